import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { request } from '../support/http';

const PASSWORD = 'correct horse battery';

/** The newcomer's loop without a phone: surveys land in the Outbox, which answers SMS as the borrower. */
describe('the console Outbox', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let expert: ConsoleClient;
  let key: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
      email: 'expert@lender.test',
      name: 'Expert',
      role: 'expert',
      password: PASSWORD,
      locale: 'en',
    });
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write'] }))
      .secret;
    for (const [externalId, borrower] of [
      ['outbox-sms', { externalId: 'ob-1', phone: '+79990001111', email: undefined }],
      ['outbox-email', { externalId: 'ob-2', phone: undefined, email: 'reader@example.ru' }],
    ] as const) {
      const posted = await request(`${api.baseUrl}/api/v1/contact-events`, {
        method: 'POST',
        json: contactEvent({
          externalId,
          occurredAt: '2026-11-18T11:00:00+03:00',
          touchpoint: 'chat',
          borrower,
        }),
        headers: { authorization: `Bearer ${key}` },
      });
      expect(posted.status).toBe(202);
    }
    await api.app.get(DispatchInvitations).dispatchDue();
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    expert = new ConsoleClient(api.baseUrl);
    expect((await expert.signIn('expert@lender.test', PASSWORD)).status).toBe(303);
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  it('shows what was sent, with this deployment’s survey links as links and contacts masked', async () => {
    const page = await expert.get('/console/outbox');
    expect(page.status).toBe(200);
    expect(page.text.match(/data-testid="outbox-message"/g)).toHaveLength(2);
    expect(page.text).toMatch(/<a href="http:\/\/localhost:\d+\/s\/[A-Za-z0-9_-]{32}\?score(=|&#x3D;)1"/);
    expect(page.text).toContain('+79•••••••11');
    expect(page.text).not.toContain('+79990001111');
    expect(page.text).toContain('r•••@example.ru');
  });

  it('answers an SMS survey as the borrower: a low score opens a callback task, a later text becomes its comment', async () => {
    const page = await expert.get('/console/outbox');
    const id = /action="\/console\/outbox\/([0-9a-f-]{36})\/reply"/.exec(page.text)![1]!;
    const replied = await expert.post(`/console/outbox/${id}/reply`, { body: ' 2 ' });
    expect(replied.status).toBe(303);
    const location = replied.headers.get('location')!;
    expect(location).toMatch(/^\/console\/outbox\?notice=replied&answer=.+&sig=/);
    const answer = new URL(location, api.baseUrl).searchParams.get('answer')!;
    expect((await expert.get(location)).text).toContain(answer.slice(0, 20));
    await expert.post(`/console/outbox/${id}/reply`, { body: 'Долго ждал ответа в чате' });
    const { rows } = await sql.query(
      `SELECT r.score, r.comment, r.source, t.status FROM response r JOIN callback_task t ON t.response_id = r.id
         JOIN borrower b ON b.id = r.borrower_id WHERE b.external_id = 'ob-1'`,
    );
    expect(rows).toEqual([
      { score: '2.00', comment: 'Долго ждал ответа в чате', source: 'sms', status: 'open' },
    ]);
    const audit = await sql.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'outbox.sms_reply_simulated'`,
    );
    expect(audit.rows[0].n).toBe(2);
  });

  it('shows in its banner only reply text this server signed, never text from a crafted link', async () => {
    const crafted = 'Your account is locked: call +7 900 000-00-00';
    for (const query of [
      `notice=replied&answer=${encodeURIComponent(crafted)}`,
      `notice=replied&answer=${encodeURIComponent(crafted)}&sig=AAAA`,
    ]) {
      const page = await expert.get(`/console/outbox?${query}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('Your account is locked');
    }
  });

  it('refuses a reply to a message that is not an outbox SMS', async () => {
    const page = await expert.get('/console/outbox');
    expect((await expert.post('/console/outbox/not-a-uuid/reply', { body: '5' })).status).toBe(404);
    const { rows } = await sql.query(`SELECT id FROM message WHERE channel = 'email' LIMIT 1`);
    expect((await expert.post(`/console/outbox/${rows[0].id}/reply`, { body: '5' })).status).toBe(404);
    expect(page.status).toBe(200);
  });

  it('lists the surveys still waiting for their send time, soonest first, with when they will go', async () => {
    // 23:30 in Moscow: quiet hours, so the SMS waits for the morning instead of appearing as sent.
    clock.set(new Date('2026-11-18T20:30:00Z'));
    const posted = await request(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: contactEvent({
        externalId: 'outbox-night',
        occurredAt: '2026-11-18T23:25:00+03:00',
        touchpoint: 'chat',
        borrower: { externalId: 'ob-3', phone: '+79990003333', email: undefined, timeZone: 'Europe/Moscow' },
      }),
      headers: { authorization: `Bearer ${key}` },
    });
    expect(posted.status).toBe(202);
    await api.app.get(DispatchInvitations).dispatchDue();
    // Hours have passed since the last page: the session has gone idle.
    await expert.signIn('expert@lender.test', PASSWORD);
    const page = await expert.get('/console/outbox');
    expect(page.text).toContain('data-testid="outbox-scheduled"');
    const rows = page.text.match(/<tr data-testid="scheduled-message">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(1);
    // 08:00 the next morning (the end of the quiet hours) in the reader's zone, masked, the programme by name.
    expect(rows[0]).toContain('19.11.2026 08:00');
    expect(rows[0]).toContain('+79•••••••33');
    expect(rows[0]).toContain('Service satisfaction after a support contact');
    // Once it is sent it leaves the list.
    clock.set(new Date('2026-11-19T05:05:00Z'));
    await api.app.get(DispatchInvitations).dispatchDue();
    await expert.signIn('expert@lender.test', PASSWORD);
    expect((await expert.get('/console/outbox')).text).not.toContain('data-testid="outbox-scheduled"');
  });
});
