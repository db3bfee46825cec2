import { Client } from 'pg';
import twilio from 'twilio';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock, secretDigest } from '@app/core';
import { ApiKeyService } from '@app/identity';
import { DispatchInvitations, ExpireInvitations } from '@app/messaging';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';
import { TestSmtpServer } from '../support/smtp-server';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TwilioStub } from '../support/twilio-stub';

// Wednesday 2026-11-18, 12:00 in Moscow.
const NOW = new Date('2026-11-18T09:00:00Z');
const PUBLIC = 'https://feedback.lender.test';

describe('dispatch through the real SMTP server and the Twilio SDK', () => {
  let api: RunningApi;
  let smtp: TestSmtpServer;
  let stub: TwilioStub;
  let sql: Client;
  let key: string;
  let dispatch: DispatchInvitations;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    stub = await new TwilioStub().start();
    api = await startTestApi({
      clock,
      env: {
        PUBLIC_BASE_URL: PUBLIC,
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'Lender <surveys@lender.test>',
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        TWILIO_FROM,
        TWILIO_API_BASE_URL: stub.baseUrl,
        SMS_SENDER_MPS: '200',
        LENDER_NAME: 'Деньги Сразу',
      },
    });
    key = (
      await api.app
        .get(ApiKeyService)
        .create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write', 'surveys:in_app'] })
    ).secret;
    dispatch = api.app.get(DispatchInvitations);
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
    await smtp.stop();
    await stub.stop();
  });
  beforeEach(() => clock.set(NOW));

  async function schedule(
    overrides: Parameters<typeof contactEvent>[0] = {},
  ): Promise<{ id: string; channel: string }> {
    const response = await request<{ invitation: { id: string; channel: string } }>(
      `${api.baseUrl}/api/v1/contact-events`,
      {
        method: 'POST',
        json: contactEvent({ occurredAt: '2026-11-18T11:00:00+03:00', ...overrides }),
        headers: { authorization: `Bearer ${key}` },
      },
    );
    expect(response.status).toBe(202);
    return response.body.invitation;
  }
  const invitation = async (id: string) =>
    (await sql.query(`SELECT * FROM invitation WHERE id = $1`, [id])).rows[0];
  const signedPost = async (path: string, params: Record<string, string>, signature?: string) => {
    const sig = signature ?? twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC}${path}`, params);
    return fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
      body: new URLSearchParams(params).toString(),
    });
  };

  it('sends a due SMS through the Twilio SDK to the Twilio-like endpoint and records it', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110001' } });
    const report = await dispatch.dispatchDue();
    expect(report.sent).toBeGreaterThanOrEqual(1);
    const sent = stub.messages.find((m) => m.to === '+79991110001')!;
    expect(sent).toMatchObject({
      from: TWILIO_FROM,
      body: 'Деньги Сразу: оцените нас от 1 до 5, ответив цифрой',
      statusCallback: `${PUBLIC}/webhooks/twilio/status`,
    });
    expect(await invitation(id)).toMatchObject({ status: 'sent', attempts: 1 });
    const message = (await sql.query(`SELECT * FROM message WHERE invitation_id = $1`, [id])).rows[0];
    expect(message).toMatchObject({
      provider_message_id: sent.sid,
      transport: 'twilio',
      status: 'sent',
      purpose: 'invitation',
      channel: 'sms',
    });
  });

  it('applies signed delivery callbacks, forward only, and refuses forged ones', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110002' } });
    await dispatch.dispatchDue();
    const sid = stub.messages.find((m) => m.to === '+79991110002')!.sid;
    const path = '/webhooks/twilio/status';

    const forged = await signedPost(
      path,
      { MessageSid: sid, MessageStatus: 'delivered' },
      'bm90IGEgc2lnbmF0dXJl',
    );
    expect(forged.status).toBe(403);
    expect((await signedPost(path, { MessageSid: sid, MessageStatus: 'delivered' }, '')).status).toBe(403);
    expect(await invitation(id)).toMatchObject({ status: 'sent' });

    expect(
      (
        await signedPost(path, {
          MessageSid: sid,
          MessageStatus: 'delivered',
          AccountSid: TWILIO_ACCOUNT_SID,
        })
      ).status,
    ).toBe(204);
    expect(await invitation(id)).toMatchObject({ status: 'delivered' });
    // A late "sent" and a duplicate "delivered" change nothing.
    expect((await signedPost(path, { MessageSid: sid, MessageStatus: 'sent' })).status).toBe(204);
    expect((await signedPost(path, { MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(204);
    const message = (await sql.query(`SELECT status FROM message WHERE provider_message_id = $1`, [sid]))
      .rows[0];
    expect(message.status).toBe('delivered');
    expect(await invitation(id)).toMatchObject({ status: 'delivered' });
  });

  it('emails one link per score, a text part and one-click unsubscribe headers through SMTP', async () => {
    const { id, channel } = await schedule({
      touchpoint: 'chat',
      borrower: { phone: undefined, email: 'elena@example.ru', name: 'Елена <b>' },
    });
    expect(channel).toBe('email');
    await dispatch.dispatchDue();
    const mail = smtp.received.find((m) => m.to && JSON.stringify(m.to).includes('elena@example.ru'))!;
    expect(mail.subject).toBe('Деньги Сразу: ответьте на один вопрос');
    const links = [...(mail.html as string).matchAll(/href="([^"]+\?score=(\d+))"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(links.map((l) => l[1])).toEqual(['1', '2', '3', '4', '5']);
    const token = /\/s\/([A-Za-z0-9_-]{32})\?score=1/.exec(links[0]![0]!)![1]!;
    expect(links[0]![0]).toBe(`${PUBLIC}/s/${token}?score=1`);
    expect((await invitation(id)).token_hash).toEqual(secretDigest(token));
    expect(mail.html).toContain('Елена &lt;b&gt;');
    expect(mail.text).toContain(`5: ${PUBLIC}/s/${token}?score=5`);
    const header = (name: string) =>
      mail.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${PUBLIC}/u/${token}>`);
    // The stored copy of a real send keeps no live token.
    const stored = (
      await sql.query(`SELECT body_html, body_text FROM message WHERE invitation_id = $1`, [id])
    ).rows[0];
    expect(stored.body_html).not.toContain(token);

    const confirm = await fetch(`${api.baseUrl}/u/${token}`);
    expect(confirm.status).toBe(200);
    expect(
      (
        await sql.query(
          `SELECT email_opted_out_at FROM borrower b JOIN invitation i ON i.borrower_id = b.id WHERE i.id = $1`,
          [id],
        )
      ).rows[0].email_opted_out_at,
    ).toBeNull();
    const oneClick = await fetch(`${api.baseUrl}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(
      (
        await sql.query(
          `SELECT email_opted_out_at FROM borrower b JOIN invitation i ON i.borrower_id = b.id WHERE i.id = $1`,
          [id],
        )
      ).rows[0].email_opted_out_at,
    ).not.toBeNull();
    expect((await fetch(`${api.baseUrl}/u/${'A'.repeat(32)}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/u/not-a-token`)).status).toBe(404);
  });

  it('releases in-app surveys to the pending list, in the borrower’s language', async () => {
    const borrower = { externalId: `app-${Date.now()}`, locale: 'en' };
    const { id } = await schedule({ touchpoint: 'chat', preferredChannel: 'in_app', borrower });
    const pending = () =>
      request<{ items: { invitationId: string; survey: { questions: { text: string }[] } }[] }>(
        `${api.baseUrl}/api/v1/borrowers/${borrower.externalId}/pending-surveys`,
        { headers: { authorization: `Bearer ${key}` } },
      );
    expect((await pending()).body.items).toEqual([]);
    await dispatch.dispatchDue();
    const items = (await pending()).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      invitationId: id,
      survey: {
        key: 'csi_service',
        kind: 'CSI',
        questions: [
          {
            id: 'satisfaction',
            min: 1,
            max: 5,
            text: 'How satisfied are you with how we handled your request?',
          },
        ],
      },
    });
  });

  it('does not send in quiet hours at dispatch time; it waits for the morning', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110003' } });
    clock.set(new Date('2026-11-18T19:30:00Z')); // 22:30 Moscow
    await dispatch.dispatchDue();
    expect(stub.messages.find((m) => m.to === '+79991110003')).toBeUndefined();
    expect((await invitation(id)).next_attempt_at).toEqual(new Date('2026-11-19T05:00:00Z'));
  });

  it('retries transient failures with backoff and then sends (Twilio 429, 500; SMTP 421, 450, dropped connection)', async () => {
    const sms = await schedule({ borrower: { phone: '+79991110004' } });
    stub.failNext({ kind: 'status', status: 429, code: 20429 });
    await dispatch.dispatchDue();
    let row = await invitation(sms.id);
    expect(row).toMatchObject({ status: 'scheduled', last_error: 'twilio:http_429', attempts: 1 });
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(NOW.getTime());
    stub.failNext({ kind: 'status', status: 500 });
    clock.set(row.next_attempt_at);
    await dispatch.dispatchDue();
    row = await invitation(sms.id);
    expect(row).toMatchObject({ status: 'scheduled', last_error: 'twilio:http_500', attempts: 2 });
    clock.set(row.next_attempt_at);
    await dispatch.dispatchDue();
    expect(await invitation(sms.id)).toMatchObject({ status: 'sent', attempts: 3 });

    const mail = await schedule({
      touchpoint: 'chat',
      borrower: { phone: undefined, email: 'retry@example.ru' },
    });
    smtp.failNext(
      { kind: 'reply', code: 421, message: 'try later' },
      { kind: 'reply', code: 450, message: 'mailbox busy' },
      { kind: 'drop' },
    );
    for (const expected of ['smtp:421', 'smtp:450']) {
      await dispatch.dispatchDue();
      row = await invitation(mail.id);
      expect(row).toMatchObject({ status: 'scheduled', last_error: expected });
      clock.set(row.next_attempt_at);
    }
    await dispatch.dispatchDue();
    row = await invitation(mail.id);
    expect(row.status).toBe('scheduled');
    expect(row.last_error).toMatch(/^smtp:/);
    clock.set(row.next_attempt_at);
    await dispatch.dispatchDue();
    expect(await invitation(mail.id)).toMatchObject({ status: 'sent' });
    expect(smtp.received.filter((m) => JSON.stringify(m.to).includes('retry@example.ru'))).toHaveLength(1);
  });

  it('fails at once on permanent errors: Twilio 21211 invalid number, 21610 opted out (recorded), SMTP 550', async () => {
    const invalid = await schedule({ borrower: { phone: '+79991110005' } });
    stub.failNext({ kind: 'status', status: 400, code: 21211, message: "The 'To' number is not valid" });
    await dispatch.dispatchDue();
    expect(await invitation(invalid.id)).toMatchObject({ status: 'failed', last_error: 'twilio:21211' });

    const optedOut = await schedule({ borrower: { phone: '+79991110006' } });
    stub.failNext({
      kind: 'status',
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    await dispatch.dispatchDue();
    expect(await invitation(optedOut.id)).toMatchObject({ status: 'failed', last_error: 'twilio:21610' });
    const borrower = (await sql.query(`SELECT sms_opted_out_at FROM borrower WHERE phone = '+79991110006'`))
      .rows[0];
    expect(borrower.sms_opted_out_at).not.toBeNull();

    const bounced = await schedule({
      touchpoint: 'chat',
      borrower: { phone: undefined, email: 'nobody@example.ru' },
    });
    smtp.failNext({ kind: 'reply', code: 550, message: 'no such user' });
    await dispatch.dispatchDue();
    expect(await invitation(bounced.id)).toMatchObject({ status: 'failed', last_error: 'smtp:550' });
  });

  it('gives up after the policy’s maximum attempts on transient failures', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110007' } });
    for (let i = 0; i < 6; i++) {
      stub.failNext({ kind: 'status', status: 503 });
      await dispatch.dispatchDue();
      const row = await invitation(id);
      if (row.status === 'failed') break;
      clock.set(row.next_attempt_at);
    }
    expect(await invitation(id)).toMatchObject({
      status: 'failed',
      attempts: 6,
      last_error: 'twilio:http_503',
    });
  });

  it('sends one reminder after the programme’s delay, then expires the unanswered invitation', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110008' } });
    await dispatch.dispatchDue();
    const row = await invitation(id);
    expect(row.remind_at).toEqual(new Date(NOW.getTime() + 24 * 3600_000));
    clock.set(row.remind_at);
    await dispatch.sendReminders();
    const toBorrower = stub.messages.filter((m) => m.to === '+79991110008');
    expect(toBorrower.map((m) => m.body)).toEqual([
      'Деньги Сразу: оцените нас от 1 до 5, ответив цифрой',
      'Деньги Сразу: напоминаем — оцените нас от 1 до 5 цифрой',
    ]);
    clock.set(new Date(row.remind_at.getTime() + 3600_000));
    await dispatch.sendReminders();
    expect(stub.messages.filter((m) => m.to === '+79991110008')).toHaveLength(2);

    clock.set(row.expires_at);
    await api.app.get(ExpireInvitations).execute();
    expect(await invitation(id)).toMatchObject({ status: 'expired' });
  });

  it('cancels a scheduled invitation whose borrower opted out before it was sent', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110009' } });
    await sql.query(`UPDATE borrower SET sms_opted_out_at = now() WHERE phone = '+79991110009'`);
    await dispatch.dispatchDue();
    expect(await invitation(id)).toMatchObject({ status: 'cancelled', cancel_reason: 'opted_out' });
    expect(stub.messages.find((m) => m.to === '+79991110009')).toBeUndefined();
  });

  it('refuses unsigned, forged, empty and JSON status callbacks with 403, and ignores unknown message ids', async () => {
    const path = '/webhooks/twilio/status';
    const before = (await sql.query(`SELECT count(*)::int AS n FROM message WHERE status = 'delivered'`))
      .rows[0].n;
    expect((await fetch(`${api.baseUrl}${path}`, { method: 'POST' })).status).toBe(403);
    const json = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' },
      body: JSON.stringify({ MessageSid: 'SM0', MessageStatus: 'delivered' }),
    });
    expect(json.status).toBe(403);
    const wrongUrl = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `https://evil.example${path}`, {
      MessageSid: 'SM1',
      MessageStatus: 'delivered',
    });
    expect((await signedPost(path, { MessageSid: 'SM1', MessageStatus: 'delivered' }, wrongUrl)).status).toBe(
      403,
    );
    expect(
      (await signedPost(path, { MessageSid: `SM${'f'.repeat(32)}`, MessageStatus: 'delivered' })).status,
    ).toBe(204);
    expect((await signedPost(path, { MessageSid: "SM' OR 1=1 --", MessageStatus: 'delivered' })).status).toBe(
      204,
    );
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM message WHERE status = 'delivered'`)).rows[0].n,
    ).toBe(before);
  });

  it('treats a Twilio endpoint that hangs as a transient failure after the client timeout, and retries', async () => {
    const { id } = await schedule({ borrower: { phone: '+79991110010' } });
    stub.failNext({ kind: 'hang', ms: 16_000 });
    await dispatch.dispatchDue();
    const row = await invitation(id);
    expect(row.status).toBe('scheduled');
    expect(row.last_error).toMatch(/^twilio:(?!http_)/);
    clock.set(row.next_attempt_at);
    await dispatch.dispatchDue();
    expect(await invitation(id)).toMatchObject({ status: 'sent' });
  });
});
