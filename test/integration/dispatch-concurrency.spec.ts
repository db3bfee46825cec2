import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { FixedClock } from '@app/core';
import { DispatchInvitations } from '@app/messaging';
import { ContactEventInput, RecordContactEvents } from '@app/surveys';
import { contactEvent } from '../factories/contact-event.factory';
import { domainContext } from '../support/domain-context';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TwilioStub } from '../support/twilio-stub';

describe('two workers dispatching side by side', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let db: TestDatabase;
  let stub: TwilioStub;
  let workers: INestApplicationContext[];

  beforeAll(async () => {
    db = await createTestDatabase();
    stub = await new TwilioStub().start();
    const env = {
      TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN,
      TWILIO_FROM,
      TWILIO_API_BASE_URL: stub.baseUrl,
      SMS_SENDER_MPS: '1000',
    };
    workers = await Promise.all([domainContext(db.url, clock, env), domainContext(db.url, clock, env)]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await stub.stop();
    await db.drop();
  });

  it('never send the same invitation twice, and send every one', async () => {
    const events = Array.from({ length: 300 }, (_, i) =>
      contactEvent({
        occurredAt: '2026-11-18T11:00:00+03:00',
        borrower: { phone: `+7999${String(2_000_000 + i)}` },
      }),
    ) as unknown as ContactEventInput[];
    const results = await workers[0]!.get(RecordContactEvents).execute(events);
    expect(results.every((r) => r.outcome === 'created' && r.body.invitation)).toBe(true);

    const drain = async (worker: INestApplicationContext) => {
      const dispatch = worker.get(DispatchInvitations);
      let sent = 0;
      for (;;) {
        const report = await dispatch.dispatchDue(25);
        sent += report.sent;
        if (report.claimed === 0) return sent;
      }
    };
    const [first, second] = await Promise.all(workers.map(drain));
    expect(first! + second!).toBe(300);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);

    expect(stub.messages).toHaveLength(300);
    expect(new Set(stub.messages.map((m) => m.to)).size).toBe(300);
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const { rows } = await sql.query(
      `SELECT count(*)::int AS messages, count(DISTINCT invitation_id)::int AS invitations,
              (SELECT count(*)::int FROM invitation WHERE status = 'sent') AS sent
         FROM message`,
    );
    await sql.end();
    expect(rows[0]).toEqual({ messages: 300, invitations: 300, sent: 300 });
  });
});
