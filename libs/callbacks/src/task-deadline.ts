/**
 * The first-contact deadline of a callback task, the one place it is written: a task is overdue
 * while it is open or in progress, nobody has reached the borrower yet, and its due time has passed;
 * due soon, the same within the next two hours. Every query that asks (the queue, a task, the queue's
 * counts, the SLA sweep, the dashboard) builds its SQL from here, so the partial indexes that serve
 * them keep matching.
 */
export const DUE_SOON_HOURS = 2;

/** SQL: `alias`'s task is overdue at the timestamptz `now` (a parameter such as `$1`). */
export function overdueCondition(alias: string, now: string): string {
  const t = alias ? `${alias}.` : '';
  return `${t}status IN ('open', 'in_progress') AND ${t}first_contact_at IS NULL AND ${t}first_contact_due_at < ${now}`;
}

/** SQL: `alias`'s task is due within DUE_SOON_HOURS of `now`, and not yet overdue. */
export function dueSoonCondition(alias: string, now: string): string {
  const t = alias ? `${alias}.` : '';
  return (
    `${t}status IN ('open', 'in_progress') AND ${t}first_contact_at IS NULL AND ${t}first_contact_due_at >= ${now}` +
    ` AND ${t}first_contact_due_at < ${now}::timestamptz + interval '${DUE_SOON_HOURS} hours'`
  );
}
