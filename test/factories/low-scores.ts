import { Client } from 'pg';

/**
 * `count` callback tasks straight in the database (borrower, events, invitations, low responses,
 * tasks), optionally in progress with an assignee: for tests about the queue, not the way in.
 */
export async function seedTasks(
  databaseUrl: string,
  count: number,
  options: { assigneeId?: string; dueAt?: Date; priority?: (i: number) => number } = {},
): Promise<string[]> {
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const tag = Math.random().toString(36).slice(2, 10);
    await sql.query(`INSERT INTO borrower (external_id, name, phone) VALUES ($1, 'Seeded', '+79990000001')`, [
      `seed-${tag}`,
    ]);
    const { rows } = await sql.query<{ id: string }>(
      `WITH b AS (SELECT id FROM borrower WHERE external_id = 'seed-' || $1),
            s AS (SELECT id FROM survey WHERE key = 'csi_service' AND is_current),
            e AS (INSERT INTO contact_event (external_id, borrower_id, touchpoint, occurred_at, body_hash, outcome)
                  SELECT 'seed-' || $1 || '-' || g, b.id, 'call', now(), '\\x00', '{}' FROM b, generate_series(1, $2) g RETURNING id, borrower_id),
            i AS (INSERT INTO invitation (contact_event_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at)
                  SELECT e.id, s.id, e.borrower_id, 'sms', 'ru', sha256(e.id::text::bytea), 'answered', now(), now() + interval '3 days' FROM e, s RETURNING id, survey_id, borrower_id),
            r AS (INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, locale, answers, score, low, source, submitted_at, tags)
                  SELECT i.id, i.survey_id, i.borrower_id, 'call', 'sms', 'ru', '{"satisfaction":1}', 1, true, 'sms', now(), '{payments}' FROM i RETURNING id, borrower_id)
       INSERT INTO callback_task (response_id, borrower_id, status, assignee_id, priority, tags, first_contact_due_at)
       SELECT r.id, r.borrower_id, CASE WHEN $3::uuid IS NULL THEN 'open' ELSE 'in_progress' END, $3::uuid,
              (row_number() OVER ())::int % 7, '{payments}', coalesce($4::timestamptz, now() + interval '1 day')
         FROM r RETURNING id`,
      [tag, count, options.assigneeId ?? null, options.dueAt ?? null],
    );
    return rows.map((r) => r.id);
  } finally {
    await sql.end();
  }
}
