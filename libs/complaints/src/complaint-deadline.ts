/**
 * The complaint deadline, the one place it is written (151-FZ and the SRO basic standard): an answer
 * within 15 working days of registration, one extension of up to 10 working days more, counted on the
 * lender's working-day calendar in the lender's zone (the caller passes that arithmetic in). On time
 * means resolved by the deadline in force. No imports: the register export's worker thread uses it.
 */
export const ANSWER_WORKING_DAYS = 15;
export const MAX_EXTENSION_WORKING_DAYS = 10;

/** Working-day arithmetic on the lender's calendar: `days` working days after `from`. */
export type AddWorkingDays = (from: Date, days: number) => Date;

export function answerDueAt(registeredAt: Date, addWorkingDays: AddWorkingDays): Date {
  return addWorkingDays(registeredAt, ANSWER_WORKING_DAYS);
}

export function extendedDueAt(dueAt: Date, workingDays: number, addWorkingDays: AddWorkingDays): Date {
  return addWorkingDays(dueAt, workingDays);
}

/** The deadline in force: the extended one when there is one. */
export function deadlineOf(complaint: { due_at: Date; extended_due_at: Date | null }): Date {
  return complaint.extended_due_at ?? complaint.due_at;
}

/** SQL: the deadline in force of `alias`'s complaint ('' for none): the expression the open-deadline index holds. */
export function deadlineSql(alias: string): string {
  const c = alias ? `${alias}.` : '';
  return `coalesce(${c}extended_due_at, ${c}due_at)`;
}

/** SQL: `alias`'s complaint is open and past its deadline in force at `now` (a parameter such as `$1`). */
export function overdueCondition(alias: string, now: string): string {
  return `(${alias ? `${alias}.` : ''}status <> 'resolved' AND ${deadlineSql(alias)} < ${now})`;
}

/** SQL: `alias`'s complaint was resolved by the deadline in force. */
export function onTimeCondition(alias: string): string {
  return `${alias}.resolved_at <= ${deadlineSql(alias)}`;
}

/**
 * The regulator's own date for an answer (the end of that day in the lender's zone) is kept when it
 * is earlier than ours: the deadline is whichever comes first.
 */
export function intakeDueAt(ours: Date, regulatorDueAt: Date | null): Date {
  return regulatorDueAt && regulatorDueAt < ours ? regulatorDueAt : ours;
}

/**
 * A complaint is registered no later than the working day after it was received (the SRO basic
 * standard); one registered later is flagged. Dates are the lender's calendar dates (YYYY-MM-DD).
 */
export function isRegisteredLate(
  receivedAt: Date,
  registeredAt: Date,
  addWorkingDays: AddWorkingDays,
  localDate: (instant: Date) => string,
): boolean {
  return localDate(registeredAt) > localDate(addWorkingDays(receivedAt, 1));
}

/** Due within this many working days: the morning email and the work list's "due soon". */
export const DUE_SOON_WORKING_DAYS = 2;
