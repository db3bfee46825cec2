import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('schema invariants held by the database', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  async function seedInvitation(): Promise<{ borrowerId: string; surveyId: string; eventId: string }> {
    const suffix = Math.random().toString(36).slice(2);
    const borrower = await client.query<{ id: string }>(
      `INSERT INTO borrower (external_id) VALUES ($1) RETURNING id`,
      [`b-${suffix}`],
    );
    const survey = await client.query<{ id: string }>(
      `INSERT INTO survey (key, version, kind, title, questions, trigger_touchpoints, channel_order, expiry_seconds, low_score_threshold)
       VALUES ($1, 1, 'CSI', '{"ru": "csi", "en": "csi"}', '[]', '{call}', '{sms}', 86400, 3) RETURNING id`,
      [`s-${suffix}`],
    );
    const event = await client.query<{ id: string }>(
      `INSERT INTO contact_event (external_id, borrower_id, touchpoint, occurred_at, body_hash, outcome)
       VALUES ($1, $2, 'call', now(), '\\x00', '{}') RETURNING id`,
      [`e-${suffix}`, borrower.rows[0]!.id],
    );
    return { borrowerId: borrower.rows[0]!.id, surveyId: survey.rows[0]!.id, eventId: event.rows[0]!.id };
  }

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are rejected', async () => {
    await client.query(
      `INSERT INTO audit_log (actor_type, actor_id, action, entity_type) VALUES ('system', 't', 'test.done', 'test')`,
    );
    await expect(client.query(`UPDATE audit_log SET action = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(client.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const { rows } = await client.query(`SELECT action FROM audit_log WHERE entity_type = 'test'`);
    expect(rows).toEqual([{ action: 'test.done' }]);
  });

  it('never deletes a complaint: DELETE and TRUNCATE are rejected, whoever connects', async () => {
    const { borrowerId } = await seedInvitation();
    await client.query(
      `INSERT INTO complaint (register_year, register_seq, borrower_id, received_via, category, substance, registered_at, received_at, due_at)
       VALUES (2026, 999001, $1, 'letter', 'other', 'Письмо', now(), now(), now() + interval '21 days')`,
      [borrowerId],
    );
    await expect(client.query(`DELETE FROM complaint WHERE register_no = '2026-999001'`)).rejects.toThrow(
      /never deleted/,
    );
    await expect(client.query(`TRUNCATE complaint CASCADE`)).rejects.toThrow(/never deleted/);
    const { rows } = await client.query(`SELECT substance FROM complaint WHERE register_no = '2026-999001'`);
    expect(rows).toEqual([{ substance: 'Письмо' }]);
  });

  it('allows one contact event per external id', async () => {
    const { borrowerId } = await seedInvitation();
    const insert = () =>
      client.query(
        `INSERT INTO contact_event (external_id, borrower_id, touchpoint, occurred_at, body_hash, outcome)
         VALUES ('crm-dup', $1, 'call', now(), '\\x00', '{}')`,
        [borrowerId],
      );
    await insert();
    await expect(insert()).rejects.toMatchObject({
      code: '23505',
      constraint: 'contact_event_external_id_key',
    });
  });

  it('requires a token hash on every invitation and allows one invitation per event', async () => {
    const { borrowerId, surveyId, eventId } = await seedInvitation();
    const insert = (tokenHash: Buffer | null) =>
      client.query(
        `INSERT INTO invitation (contact_event_id, survey_id, borrower_id, channel, locale, token_hash, send_at, expires_at)
         VALUES ($1, $2, $3, 'sms', 'ru', $4, now(), now() + interval '1 day')`,
        [eventId, surveyId, borrowerId, tokenHash],
      );
    await expect(insert(null)).rejects.toMatchObject({ code: '23502' });
    await insert(Buffer.from('a'));
    await expect(insert(Buffer.from('b'))).rejects.toMatchObject({
      constraint: 'invitation_contact_event_key',
    });
  });

  it('numbers complaints YYYY-NNNNNN and refuses a duplicate number', async () => {
    const { borrowerId } = await seedInvitation();
    const insert = () =>
      client.query<{ register_no: string }>(
        `INSERT INTO complaint (register_year, register_seq, borrower_id, received_via, category, substance, registered_at, received_at, due_at)
         VALUES (2026, 42, $1, 'callback', 'payments', 'x', now(), now(), now()) RETURNING register_no`,
        [borrowerId],
      );
    expect((await insert()).rows[0]!.register_no).toBe('2026-000042');
    await expect(insert()).rejects.toMatchObject({ constraint: 'complaint_register_key' });
  });

  it('refuses a phone number that is not E.164', async () => {
    await expect(
      client.query(`INSERT INTO borrower (external_id, phone) VALUES ('b-bad-phone', '8 999 123')`),
    ).rejects.toMatchObject({
      constraint: 'borrower_phone_e164',
    });
  });
});
