import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { FixedClock } from '@app/core';
import { AnonymiseExpiredBorrowers } from '@app/privacy';
import { domainContext } from '../support/domain-context';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const NOW = new Date('2026-11-18T09:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe('retention: anonymising expired borrowers', () => {
  const clock = new FixedClock(NOW);
  let db: TestDatabase;
  let ctx: INestApplicationContext;
  let sql: Client;

  /** A borrower with one contact `age` days ago: answered low with a comment, a call note, a message. */
  async function borrower(
    name: string,
    age: number,
    options: { complaintAge?: number; complaintStatus?: string; taskStatus?: string } = {},
  ): Promise<string> {
    const at = daysAgo(age);
    const { rows } = await sql.query(
      `WITH b AS (INSERT INTO borrower (external_id, name, phone, email, created_at) VALUES ($1, $2, '+79991112233', $1 || '@example.ru', $3) RETURNING id),
            s AS (SELECT id FROM survey WHERE key = 'csi_service' AND is_current),
            e AS (INSERT INTO contact_event (external_id, borrower_id, touchpoint, occurred_at, attributes, body_hash, outcome)
                  SELECT 'e-' || $1, b.id, 'call', $3, '{"crmNote":"called from +79991112233"}', '\\x00', '{}' FROM b RETURNING id, borrower_id),
            i AS (INSERT INTO invitation (contact_event_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at, answered_at)
                  SELECT e.id, s.id, e.borrower_id, 'sms', 'ru', sha256(e.id::text::bytea), 'answered', $3, $3::timestamptz + interval '3 days', $3 FROM e, s RETURNING id, survey_id, borrower_id),
            m AS (INSERT INTO message (idempotency_key, invitation_id, borrower_id, channel, purpose, transport, recipient, body_text, status)
                  SELECT 'm-' || $1, i.id, i.borrower_id, 'sms', 'invitation', 'outbox', '+79991112233', 'Hello ' || $2, 'sent' FROM i),
            r AS (INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, locale, answers, score, low, comment, source, submitted_at)
                  SELECT i.id, i.survey_id, i.borrower_id, 'call', 'sms', 'ru', '{}', 1, true, 'My name is ' || $2, 'sms', $3 FROM i RETURNING id, borrower_id)
       INSERT INTO callback_task (response_id, borrower_id, status, closure_reason, first_contact_due_at, first_contact_at)
       SELECT r.id, r.borrower_id, $4, CASE WHEN $4 = 'closed' THEN 'not_a_complaint' END, $3, $3 FROM r RETURNING id, borrower_id`,
      [name.toLowerCase(), name, at, options.taskStatus ?? 'closed'],
    );
    const { id: taskId, borrower_id: borrowerId } = rows[0] as { id: string; borrower_id: string };
    const agent = await sql.query(`SELECT id FROM staff_user LIMIT 1`);
    await sql.query(
      `INSERT INTO callback_attempt (task_id, agent_id, result, note, attempted_at) VALUES ($1, $2, 'reached', 'Spoke to ' || $3, $4)`,
      [taskId, agent.rows[0].id, name, at],
    );
    if (options.complaintAge !== undefined) {
      const registered = daysAgo(options.complaintAge);
      await sql.query(
        `INSERT INTO complaint (register_year, register_seq, borrower_id, received_via, category, substance, status, registered_at, received_at, due_at, resolved_at)
         VALUES (extract(year FROM $2::timestamptz)::int, (SELECT coalesce(max(register_seq), 0) + 1 FROM complaint), $1, 'callback', 'payments',
                 'Substance naming ' || $3, $4, $2, $2, $2::timestamptz + interval '21 days', CASE WHEN $4 = 'resolved' THEN $2::timestamptz + interval '5 days' END)`,
        [borrowerId, registered, name, options.complaintStatus ?? 'resolved'],
      );
    }
    return borrowerId;
  }

  let expired: string;
  let recent: string;
  let recentComplaint: string;
  let oldComplaint: string;
  let openTask: string;
  let surveyedByCampaign: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await domainContext(db.url, clock);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(
      `INSERT INTO staff_user (email, name, role, password_hash) VALUES ('agent@lender.test', 'Agent', 'agent', 'x')`,
    );
    expired = await borrower('Alina', 400);
    recent = await borrower('Boris', 10);
    recentComplaint = await borrower('Clara', 800, { complaintAge: 700 });
    oldComplaint = await borrower('Denis', 2000, { complaintAge: 1900 });
    openTask = await borrower('Elena', 400, { taskStatus: 'open' });
    // Last contacted long ago, but surveyed by a relationship campaign five days ago: a contact too.
    surveyedByCampaign = await borrower('Fedor', 400);
    await sql.query(
      `WITH c AS (INSERT INTO campaign (name, survey_key, status, start_at, spread_days, created_by, created_at, updated_at)
                  VALUES ('NPS', 'nps_relationship', 'scheduled', $2, 0, 'test', $2, $2) RETURNING id)
       INSERT INTO invitation (campaign_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at, sent_at, created_at)
       SELECT c.id, s.id, $1::uuid, 'sms', 'ru', sha256($1::uuid::text::bytea), 'sent', $2, $2::timestamptz + interval '7 days', $2, $2
         FROM c, survey s WHERE s.key = 'nps_relationship' AND s.is_current`,
      [surveyedByCampaign, daysAgo(5)],
    );
  });
  afterAll(async () => {
    await sql?.end();
    await ctx?.close();
    await db?.drop();
  });

  it('anonymises only borrowers past both retention periods with nothing open', async () => {
    expect(await ctx.get(AnonymiseExpiredBorrowers).execute()).toBe(2);
    const { rows } = await sql.query(
      `SELECT id, name, phone, email, anonymised_at IS NOT NULL AS anonymised FROM borrower`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of [expired, oldComplaint])
      expect(byId.get(id)).toMatchObject({ name: null, phone: null, email: null, anonymised: true });
    for (const id of [recent, recentComplaint, openTask, surveyedByCampaign])
      expect(byId.get(id)).toMatchObject({ anonymised: false, phone: '+79991112233' });
  });

  it('removes comment, call-note, message and event-attribute text, keeping scores and dates', async () => {
    const { rows } = await sql.query(
      `SELECT r.comment, r.score, r.submitted_at IS NOT NULL AS dated, m.recipient, m.body_text, a.note, e.attributes
         FROM response r JOIN message m ON m.borrower_id = r.borrower_id JOIN callback_task t ON t.response_id = r.id
         JOIN callback_attempt a ON a.task_id = t.id JOIN contact_event e ON e.borrower_id = r.borrower_id
        WHERE r.borrower_id = $1`,
      [expired],
    );
    expect(rows[0]).toEqual({
      comment: null,
      score: '1.00',
      dated: true,
      recipient: '[anonymised]',
      body_text: '[anonymised]',
      note: null,
      attributes: {},
    });
    const kept = await sql.query(`SELECT comment FROM response WHERE borrower_id = $1`, [recent]);
    expect(kept.rows[0].comment).toBe('My name is Boris');
  });

  it('keeps complaint records as registered, with their numbers, and the audit log', async () => {
    const { rows } = await sql.query(`SELECT register_no, substance FROM complaint WHERE borrower_id = $1`, [
      oldComplaint,
    ]);
    expect(rows[0].substance).toBe('Substance naming Denis');
    expect(rows[0].register_no).toMatch(/^\d{4}-\d{6}$/);
    const audit = await sql.query(`SELECT details FROM audit_log WHERE action = 'borrower.anonymised'`);
    expect(audit.rows).toEqual([{ details: expect.objectContaining({ borrowers: 2, reason: 'retention' }) }]);
  });

  it('writes one destruction record per borrower with counts, never values, and cannot be rewritten', async () => {
    const { rows } = await sql.query(
      `SELECT borrower_id, reason, counts FROM data_destruction ORDER BY borrower_id`,
    );
    expect(rows.map((r) => r.borrower_id).sort()).toEqual([expired, oldComplaint].sort());
    expect(rows[0].counts).toEqual({
      contacts: 1,
      comments: 1,
      callNotes: 1,
      messages: 1,
      eventAttributes: 1,
    });
    expect(JSON.stringify(rows)).not.toMatch(/Alina|Denis|7999/);
    await expect(sql.query(`DELETE FROM data_destruction`)).rejects.toThrow(/append-only/);
  });

  it('does nothing the second time', async () => {
    expect(await ctx.get(AnonymiseExpiredBorrowers).execute()).toBe(0);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM data_destruction`);
    expect(rows[0].n).toBe(2);
  });
});
