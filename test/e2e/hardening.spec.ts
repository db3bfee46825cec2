import { Client } from 'pg';
import twilio from 'twilio';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock, sealSecret } from '@app/core';
import { StaffUserService } from '@app/identity';
import { DeliverWebhooks } from '@app/webhooks';
import { RunningApi, startTestApi, TEST_APP_SECRET } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM } from '../support/twilio-stub';

const PUBLIC = 'https://feedback.lender.test';
const LIMIT = 20;

/** What the outside attack found (issue 22), each tried the way it was found. */
describe('hardening: limits that hold under parallel requests, admin input, webhook targets', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let admin: ConsoleClient;

  beforeAll(async () => {
    api = await startTestApi({
      clock,
      env: {
        PUBLIC_BASE_URL: PUBLIC,
        PUBLIC_RATE_LIMIT: String(LIMIT),
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        TWILIO_FROM,
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
      },
    });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
      email: 'admin@lender.test',
      name: 'Admin',
      role: 'admin',
      password: 'correct horse battery',
    });
    admin = new ConsoleClient(api.baseUrl);
    expect((await admin.signIn('admin@lender.test', 'correct horse battery')).status).toBe(303);
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const token = (i: number) => `tok${i}`.padEnd(32, 'x');

  it('limits the unsubscribe link per address, whatever arrives at once', async () => {
    const statuses = await Promise.all(
      Array.from({ length: LIMIT + 15 }, (_, i) =>
        fetch(`${api.baseUrl}/u/${token(i)}`, { method: 'POST' }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM borrower WHERE email_opted_out_at IS NOT NULL`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('limits Twilio callbacks per address before the signature check, and replies per sender after it', async () => {
    const path = '/webhooks/twilio/inbound';
    const post = (params: Record<string, string>, signed: boolean) =>
      fetch(`${api.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signed
            ? twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC}${path}`, params)
            : 'forged',
        },
        body: new URLSearchParams(params).toString(),
      }).then((r) => r.status);
    const sid = (i: number) => `SM${i.toString(16).padStart(32, '0')}`;
    const replies = await Promise.all(
      Array.from({ length: 35 }, (_, i) =>
        post({ MessageSid: sid(i), From: '+79990001234', Body: '5' }, true),
      ),
    );
    expect(replies.filter((s) => s === 200)).toHaveLength(30);
    expect(replies.filter((s) => s === 429)).toHaveLength(5);
    // Another sender is not affected by the first one's limit.
    expect(await post({ MessageSid: sid(99), From: '+79990005678', Body: '5' }, true)).toBe(200);
    // Forged requests from one address: 403 until the address's budget is spent, then 429.
    const forged = await Promise.all(
      Array.from({ length: LIMIT * 10 }, (_, i) =>
        post({ MessageSid: sid(1000 + i), From: '+79990009999' }, false),
      ),
    );
    expect(forged.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(forged.every((s) => s === 403 || s === 429)).toBe(true);
  });

  it('refuses a survey comment prompt of 100,000 characters and keeps the programme as it was', async () => {
    await admin.get('/console/admin/surveys/csi_service');
    const before = await sql.query(`SELECT version FROM survey WHERE key = 'csi_service' AND is_current`);
    const response = await admin.post('/console/admin/surveys/csi_service', {
      name: 'CSI',
      q0_ru: 'Оцените',
      q0_en: 'Rate us',
      commentRu: 'x'.repeat(100_000),
      commentEn: 'Why?',
      lowScoreThreshold: '3',
      channels: 'sms,email',
      delayMinutes: '5',
      expiryHours: '72',
      samplePercent: '100',
      active: 'on',
    });
    expect(response.status).toBe(422);
    const after = await sql.query(`SELECT version FROM survey WHERE key = 'csi_service' AND is_current`);
    expect(after.rows).toEqual(before.rows);
    const huge = await admin.post('/console/admin/surveys/csi_service', {
      name: 'CSI',
      q0_ru: 'Оцените',
      q0_en: 'Rate us',
      lowScoreThreshold: '3',
      channels: 'sms,email',
      delayMinutes: '99999999999',
      expiryHours: '72',
      samplePercent: '100',
    });
    expect(huge.status).toBe(422);
  });

  it('refuses webhook endpoints on loopback, private and link-local addresses, and will not deliver to one', async () => {
    await admin.get('/console/admin/webhooks');
    for (const url of ['http://127.0.0.1:8080/h', 'http://169.254.169.254/latest', 'http://localhost/h']) {
      const response = await admin.post('/console/admin/webhooks', { url, events: 'response.received' });
      expect(response.status).toBe(422);
      await admin.get('/console/admin/webhooks');
    }
    expect((await sql.query(`SELECT count(*)::int AS n FROM webhook_endpoint`)).rows[0].n).toBe(0);
    // One saved before the setting changed, or re-pointed since: the delivery refuses it too.
    const { rows } = await sql.query(
      `INSERT INTO webhook_endpoint (url, secret_sealed, events, created_by) VALUES ('http://127.0.0.1:9/h', $1, '{response.received}', 'test') RETURNING id`,
      [sealSecret(TEST_APP_SECRET, 'whsec_test')],
    );
    await sql.query(
      `INSERT INTO webhook_delivery (endpoint_id, event_key, event_type, payload, status, next_attempt_at, created_at)
       VALUES ($1, 'test:1', 'response.received', '{"occurredAt":"2026-11-18T09:00:00Z","data":{}}', 'pending', $2, $2)`,
      [rows[0].id, new Date(clock.now().getTime() - 60_000)],
    );
    await api.app.get(DeliverWebhooks).execute();
    const delivery = await sql.query(
      `SELECT status, last_error FROM webhook_delivery WHERE endpoint_id = $1`,
      [rows[0].id],
    );
    expect(delivery.rows[0]).toMatchObject({ last_error: 'private_address' });
  });
});
