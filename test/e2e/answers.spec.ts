import { Client } from 'pg';
import twilio from 'twilio';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { invitationToken, OptOutService, SurveyCatalog } from '@app/surveys';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi, TEST_APP_SECRET } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { request } from '../support/http';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TwilioStub } from '../support/twilio-stub';

// Wednesday 2026-11-18, 12:00 in Moscow.
const NOW = new Date('2026-11-18T09:00:00Z');
const PUBLIC = 'https://feedback.lender.test';

describe('answers: in-app API, survey page, SMS replies; low scores become callback tasks', () => {
  let api: RunningApi;
  let stub: TwilioStub;
  let sql: Client;
  let key: string;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    stub = await new TwilioStub().start();
    api = await startTestApi({
      clock,
      env: {
        PUBLIC_BASE_URL: PUBLIC,
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN,
        TWILIO_FROM,
        TWILIO_API_BASE_URL: stub.baseUrl,
        SMS_SENDER_MPS: '500',
      },
    });
    key = (
      await api.app
        .get(ApiKeyService)
        .create(SYSTEM_ACTOR, { name: 'app', scopes: ['events:write', 'surveys:in_app'] })
    ).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
    await stub.stop();
  });
  beforeEach(() => clock.set(NOW));

  const auth = () => ({ authorization: `Bearer ${key}` });
  async function sent(overrides: Parameters<typeof contactEvent>[0] = {}): Promise<string> {
    const response = await request<{ invitation: { id: string } }>(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      json: contactEvent({ occurredAt: '2026-11-18T11:00:00+03:00', ...overrides }),
      headers: auth(),
    });
    expect(response.status).toBe(202);
    await api.app.get(DispatchInvitations).dispatchDue();
    return response.body.invitation.id;
  }
  const respond = (id: string, json: unknown) =>
    request(`${api.baseUrl}/api/v1/invitations/${id}/response`, { method: 'POST', json, headers: auth() });
  const task = async (invitationId: string) =>
    (
      await sql.query(
        `SELECT t.* FROM callback_task t JOIN response r ON r.id = t.response_id WHERE r.invitation_id = $1`,
        [invitationId],
      )
    ).rows[0];

  describe('in-app: POST /api/v1/invitations/:id/response', () => {
    it('records a high score without a task', async () => {
      const id = await sent({ touchpoint: 'chat', preferredChannel: 'in_app' });
      const response = await respond(id, { answers: { satisfaction: 5 }, comment: 'всё отлично' });
      expect(response).toMatchObject({ status: 201, body: { score: 5, low: false, callbackTaskId: null } });
      expect(await task(id)).toBeUndefined();
      const view = await request(`${api.baseUrl}/api/v1/invitations/${id}`, { headers: auth() });
      expect(view.body).toMatchObject({
        status: 'answered',
        response: { score: 5, answers: { satisfaction: 5 }, comment: 'всё отлично' },
      });
    });

    it('opens a callback task in the same transaction for a low score, due the next working day, tagged from the comment', async () => {
      const id = await sent({ touchpoint: 'chat', preferredChannel: 'in_app' });
      const response = await respond(id, { answers: { satisfaction: 1 }, comment: 'Списали платёж дважды' });
      expect(response).toMatchObject({
        status: 201,
        body: { score: 1, low: true, callbackTaskId: expect.any(String) },
      });
      const row = await task(id);
      expect(row).toMatchObject({
        id: (response.body as { callbackTaskId: string }).callbackTaskId,
        status: 'open',
        priority: 100,
        tags: ['payments'],
      });
      expect(row.first_contact_due_at).toEqual(new Date('2026-11-19T09:00:00Z'));
    });

    it('ranks a repeat low score from the same borrower higher', async () => {
      const borrower = { externalId: `repeat-${Date.now()}` };
      const first = await sent({ touchpoint: 'chat', preferredChannel: 'in_app', borrower });
      await respond(first, { answers: { satisfaction: 2 } });
      await sql.query(`UPDATE invitation SET created_at = created_at - interval '30 days' WHERE id = $1`, [
        first,
      ]);
      const second = await sent({ touchpoint: 'chat', preferredChannel: 'in_app', borrower });
      await respond(second, { answers: { satisfaction: 2 } });
      expect((await task(second)).priority).toBe((await task(first)).priority + 20);
    });

    it('scores a CLI as the mean of its three answers', async () => {
      await sql.query(`UPDATE survey SET sample_rate = 1 WHERE key = 'cli_loyalty' AND is_current`);
      api.app.get(SurveyCatalog).invalidate();
      const id = await sent({ touchpoint: 'repayment', preferredChannel: 'in_app' });
      const response = await respond(id, {
        answers: { recommend: 7, borrow_again: 5, choose_over_others: 5 },
      });
      expect(response.body).toMatchObject({ score: 5.67, low: true });
      await sql.query(`UPDATE survey SET sample_rate = 0.2 WHERE key = 'cli_loyalty' AND is_current`);
      api.app.get(SurveyCatalog).invalidate();
    });

    it('answers 409 already_answered to a second answer, and exactly one of ten concurrent answers wins', async () => {
      const id = await sent({ touchpoint: 'chat', preferredChannel: 'in_app' });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => respond(id, { answers: { satisfaction: (i % 5) + 1 } })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(
        results
          .filter((r) => r.status === 409)
          .every((r) => (r.body as { code: string }).code === 'already_answered'),
      ).toBe(true);
      expect(results.filter((r) => r.status === 409)).toHaveLength(9);
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM response WHERE invitation_id = $1`, [id])).rows[0].n,
      ).toBe(1);
    });

    it('answers only in-app invitations: an SMS or email survey is 404 and keeps waiting for its borrower', async () => {
      for (const preferredChannel of ['sms', 'email'] as const) {
        const id = await sent({
          touchpoint: 'chat',
          preferredChannel,
          borrower: { email: `in-app-${preferredChannel}@example.ru` },
        });
        const channel = (await sql.query(`SELECT channel FROM invitation WHERE id = $1`, [id])).rows[0]
          .channel;
        expect(channel).toBe(preferredChannel);
        const response = await respond(id, { answers: { satisfaction: 1 } });
        expect(response).toMatchObject({ status: 404, body: { code: 'not_found' } });
        const state = await sql.query(
          `SELECT i.status, (SELECT count(*)::int FROM response r WHERE r.invitation_id = i.id) AS responses
             FROM invitation i WHERE i.id = $1`,
          [id],
        );
        expect(state.rows[0]).toEqual({ status: 'sent', responses: 0 });
      }
    });

    it('answers 410 invitation_expired after expiry', async () => {
      const id = await sent({ touchpoint: 'chat', preferredChannel: 'in_app' });
      clock.set(new Date(NOW.getTime() + 4 * 86_400_000));
      expect((await respond(id, { answers: { satisfaction: 4 } })).body).toMatchObject({
        status: 410,
        code: 'invitation_expired',
      });
    });

    it.each([
      ['a score out of range', { answers: { satisfaction: 6 } }, 'answers.satisfaction'],
      ['a non-integer score', { answers: { satisfaction: 4.5 } }, 'answers.satisfaction'],
      ['a string score', { answers: { satisfaction: '4' } }, 'answers.satisfaction'],
      ['an unknown question', { answers: { satisfaction: 4, mood: 3 } }, 'answers.mood'],
      ['a missing answer', { answers: {} }, 'answers.satisfaction'],
      ['null answers', { answers: null }, 'answers'],
      [
        'a comment over 2000 characters',
        { answers: { satisfaction: 4 }, comment: 'x'.repeat(2001) },
        'comment',
      ],
      ['a NUL byte in the comment', { answers: { satisfaction: 4 }, comment: 'a\u0000b' }, 'comment'],
      ['an unknown field', { answers: { satisfaction: 4 }, score: 5 }, 'score'],
    ])('answers %s with 400 and records nothing', async (_, body, path) => {
      const id = await sent({ touchpoint: 'chat', preferredChannel: 'in_app' });
      const response = await respond(id, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'validation_failed',
        errors: expect.arrayContaining([expect.objectContaining({ path })]),
      });
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM response WHERE invitation_id = $1`, [id])).rows[0].n,
      ).toBe(0);
    });

    it('answers 404 for an unknown invitation and requires the surveys:in_app scope', async () => {
      expect(
        (await respond('00000000-0000-0000-0000-000000000000', { answers: { satisfaction: 4 } })).status,
      ).toBe(404);
      expect((await respond('null', { answers: { satisfaction: 4 } })).status).toBe(404);
      const other = (
        await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write'] })
      ).secret;
      const forbidden = await request(
        `${api.baseUrl}/api/v1/invitations/00000000-0000-0000-0000-000000000000/response`,
        {
          method: 'POST',
          json: { answers: {} },
          headers: { authorization: `Bearer ${other}` },
        },
      );
      expect(forbidden.status).toBe(403);
    });
  });

  describe('survey page /s/:token', () => {
    async function emailInvitation(): Promise<{ id: string; token: string }> {
      const id = await sent({
        touchpoint: 'chat',
        borrower: { phone: undefined, email: `page-${Date.now()}@example.ru` },
      });
      return { id, token: invitationToken(TEST_APP_SECRET, id) };
    }
    const page = (path: string, init?: RequestInit) =>
      fetch(`${api.baseUrl}${path}`, { redirect: 'manual', ...init });
    const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const post = (path: string, form: Record<string, string>) =>
      page(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });

    it('shows the survey with the emailed score pre-selected, records nothing on GET, and sends strict headers', async () => {
      const { id, token } = await emailInvitation();
      const response = await page(`/s/${token}?score=2`);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toMatch(
        /default-src 'none'; style-src 'nonce-[^']+'; form-action 'self'/,
      );
      expect(html).toContain('<html lang="ru">');
      expect(html).toMatch(/name="q_satisfaction" value="2" checked/);
      expect(html).toContain(
        '<legend id="q-satisfaction">Насколько вы довольны тем, как мы решили ваш вопрос?</legend>',
      );
      expect(await page(`/s/${token}?lang=en`).then((r) => r.text())).toContain('<html lang="en">');
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM response WHERE invitation_id = $1`, [id])).rows[0].n,
      ).toBe(0);
    });

    it('records a low score and a comment, redirects 303 to the thank-you page, opens the task, escapes the comment', async () => {
      const { id, token } = await emailInvitation();
      const csrf = csrfOf(await page(`/s/${token}`).then((r) => r.text()));
      const xss =
        '<xmp><iframe srcdoc="<script>alert(1)</script>"></iframe> javascript:alert(1) сотрудник грубил';
      const submitted = await post(`/s/${token}`, { csrf, q_satisfaction: '2', comment: xss });
      expect(submitted.status).toBe(303);
      expect(submitted.headers.get('location')).toBe(`/s/${token}/thanks?lang=ru`);
      expect(await task(id)).toMatchObject({ status: 'open', tags: ['collection_conduct'] });
      const thanks = await page(submitted.headers.get('location')!).then((r) => r.text());
      expect(thanks).toContain('Спасибо!');
      expect(thanks).not.toContain('<iframe');
      expect(thanks).toContain('&lt;xmp&gt;&lt;iframe srcdoc&#x3D;&quot;&lt;script&gt;');
      // The link again: the thank-you page, not a second answer.
      expect(await page(`/s/${token}`).then((r) => r.text())).toContain('Спасибо!');
      expect((await post(`/s/${token}`, { csrf, q_satisfaction: '5' })).status).toBe(303);
      expect(
        (await sql.query(`SELECT score FROM response WHERE invitation_id = $1`, [id])).rows[0].score,
      ).toBe('2.00');
    });

    it('lets the borrower edit the comment within the window, re-tagging the task, and not after', async () => {
      const { id, token } = await emailInvitation();
      const csrf = csrfOf(await page(`/s/${token}`).then((r) => r.text()));
      await post(`/s/${token}`, { csrf, q_satisfaction: '3', comment: '' });
      const edited = await post(`/s/${token}/comment`, { csrf, comment: 'приложение не работает' });
      expect(edited.status).toBe(303);
      expect(await task(id)).toMatchObject({ tags: ['app_website'] });
      clock.set(new Date(NOW.getTime() + 31 * 60_000));
      expect((await post(`/s/${token}/comment`, { csrf, comment: 'изменю' })).status).toBe(409);
      expect(
        (await sql.query(`SELECT comment FROM response WHERE invitation_id = $1`, [id])).rows[0].comment,
      ).toBe('приложение не работает');
    });

    it('puts a low answer that mentions the regulator at the top of the queue, marked, and the queue API says so', async () => {
      const { id, token } = await emailInvitation();
      const csrf = csrfOf(await page(`/s/${token}`).then((r) => r.text()));
      await post(`/s/${token}`, { csrf, q_satisfaction: '3', comment: 'Если не вернёте деньги — пишу в ЦБ' });
      const row = await task(id);
      expect(row.regulator_mention_at).toEqual(NOW);
      expect(row.priority).toBeGreaterThanOrEqual(1000);
      const reader = (
        await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: ['tasks:read'] })
      ).secret;
      const queue = await request<{ items: { id: string; regulatorMention: boolean }[] }>(
        `${api.baseUrl}/api/v1/callback-tasks?status=open&limit=5`,
        { headers: { authorization: `Bearer ${reader}` } },
      );
      expect(queue.body.items[0]).toMatchObject({ id: row.id, regulatorMention: true });
      expect(queue.body.items.slice(1).every((t) => !t.regulatorMention)).toBe(true);
    });

    it('marks and lifts the task once when an edited comment first mentions a court', async () => {
      const { id, token } = await emailInvitation();
      const csrf = csrfOf(await page(`/s/${token}`).then((r) => r.text()));
      await post(`/s/${token}`, { csrf, q_satisfaction: '2', comment: 'судя по всему, деньги не дошли' });
      const before = await task(id);
      expect(before.regulator_mention_at).toBeNull();
      await post(`/s/${token}/comment`, { csrf, comment: 'подам иск в суд' });
      await post(`/s/${token}/comment`, { csrf, comment: 'подам иск в суд и напишу в прокуратуру' });
      const after = await task(id);
      expect(after.regulator_mention_at).toEqual(NOW);
      expect(after.priority).toBe(before.priority + 1000);
    });

    it('refuses a post without the form token, and re-shows the form for a missing score', async () => {
      const { id, token } = await emailInvitation();
      expect((await post(`/s/${token}`, { q_satisfaction: '4' })).status).toBe(403);
      const csrf = csrfOf(await page(`/s/${token}`).then((r) => r.text()));
      const missing = await post(`/s/${token}`, { csrf, q_satisfaction: '9', comment: 'keep me' });
      expect(missing.status).toBe(400);
      expect(await missing.text()).toContain('keep me');
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM response WHERE invitation_id = $1`, [id])).rows[0].n,
      ).toBe(0);
    });

    it('answers an unknown token with a 404 page and an expired one with a 410 page', async () => {
      expect((await page(`/s/${'A'.repeat(32)}`)).status).toBe(404);
      expect((await page(`/s/null`)).status).toBe(404);
      const { token } = await emailInvitation();
      clock.set(new Date(NOW.getTime() + 4 * 86_400_000));
      const expired = await page(`/s/${token}`);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('Опрос завершён');
    });

    it('rate-limits token guessing from one address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++)
        statuses.push((await page(`/s/${Math.random().toString(36).slice(2).padEnd(32, 'x')}`)).status);
      expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(120);
      expect(statuses.slice(-10)).toEqual(Array(10).fill(429));
      expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
    });
  });

  describe('SMS replies: POST /webhooks/twilio/inbound', () => {
    const inbound = async (params: Record<string, string>, signature?: string) => {
      const path = '/webhooks/twilio/inbound';
      const response = await fetch(`${api.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature':
            signature ?? twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC}${path}`, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: await response.text(),
      };
    };
    const sid = () =>
      `SM${Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('')}`;

    it('records "2" as a low score with a task, then "долго ждал ответа" as its comment; a repeated MessageSid is processed once', async () => {
      const phone = '+79993330001';
      const id = await sent({ borrower: { phone } });
      const score = await inbound({ MessageSid: sid(), From: phone, To: TWILIO_FROM, Body: ' 2 ' });
      expect(score.status).toBe(200);
      expect(score.type).toContain('text/xml');
      expect(score.body).toContain('<Message>');
      expect(await task(id)).toMatchObject({ status: 'open' });
      const commentSid = sid();
      const comment = await inbound({ MessageSid: commentSid, From: phone, Body: 'долго ждал ответа' });
      expect(comment.body).toContain('комментарий');
      expect(await inbound({ MessageSid: commentSid, From: phone, Body: 'долго ждал ответа' })).toMatchObject(
        {
          status: 200,
          body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
        },
      );
      const row = (
        await sql.query(`SELECT score, low, comment, source FROM response WHERE invitation_id = $1`, [id])
      ).rows[0];
      expect(row).toEqual({ score: '2.00', low: true, comment: 'долго ждал ответа', source: 'sms' });
    });

    it('lifts the task when the SMS comment after a low score mentions a lawyer', async () => {
      const phone = '+79993330002';
      const id = await sent({ borrower: { phone } });
      await inbound({ MessageSid: sid(), From: phone, To: TWILIO_FROM, Body: '1' });
      expect((await task(id)).regulator_mention_at).toBeNull();
      await inbound({ MessageSid: sid(), From: phone, Body: 'передаю дело юристу' });
      expect(await task(id)).toMatchObject({ regulator_mention_at: NOW, priority: 1100 });
    });

    it('asks again politely for a number out of range and stores nothing', async () => {
      const phone = '+79993330002';
      const id = await sent({ borrower: { phone } });
      const reply = await inbound({ MessageSid: sid(), From: phone, Body: '9' });
      expect(reply.body).toContain('от 1 до 5');
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM response WHERE invitation_id = $1`, [id])).rows[0].n,
      ).toBe(0);
      expect(await inbound({ MessageSid: sid(), From: phone, Body: 'оценка 5' })).toMatchObject({
        body: expect.stringContaining('спасибо'),
      });
      expect(await task(id)).toBeUndefined();
    });

    it('stops further SMS on STOP and resumes on START', async () => {
      const phone = '+79993330003';
      await sent({ borrower: { phone, externalId: 'stop-borrower' } });
      expect((await inbound({ MessageSid: sid(), From: phone, Body: 'СТОП' })).body).not.toContain(
        '<Message>',
      );
      expect(
        (await sql.query(`SELECT sms_opted_out_at FROM borrower WHERE phone = $1`, [phone])).rows[0]
          .sms_opted_out_at,
      ).not.toBeNull();
      await sql.query(
        `UPDATE invitation SET created_at = created_at - interval '30 days' WHERE borrower_id = (SELECT id FROM borrower WHERE phone = $1)`,
        [phone],
      );
      const next = await request(`${api.baseUrl}/api/v1/contact-events`, {
        method: 'POST',
        json: contactEvent({
          occurredAt: '2026-11-18T11:00:00+03:00',
          borrower: { phone, externalId: 'stop-borrower' },
        }),
        headers: auth(),
      });
      expect(next.body).toMatchObject({ skipped: 'opted_out' });
      await inbound({ MessageSid: sid(), From: phone, Body: 'START' });
      expect(
        (await sql.query(`SELECT sms_opted_out_at FROM borrower WHERE phone = $1`, [phone])).rows[0]
          .sms_opted_out_at,
      ).toBeNull();
    });

    const postEvent = (borrower: Record<string, unknown>, preferredChannel?: 'sms' | 'email' | 'in_app') =>
      request<{ invitation: { id: string; channel: string } | null; skipped?: string }>(
        `${api.baseUrl}/api/v1/contact-events`,
        {
          method: 'POST',
          json: contactEvent({
            occurredAt: '2026-11-18T11:00:00+03:00',
            ...(preferredChannel ? { preferredChannel } : {}),
            borrower,
          }),
          headers: auth(),
        },
      );

    it('keeps a number that sent STOP out of SMS under every borrower record, one created later too, until an admin lifts it with a reason', async () => {
      const phone = '+79993330010';
      await sent({ borrower: { phone, externalId: 'stop-first-record' } });
      await inbound({ MessageSid: sid(), From: phone, Body: 'СТОП' });
      // Another record, created after the STOP, with the same number: no SMS; with an email, the email.
      const only = await postEvent({ externalId: 'stop-second-record', phone, email: undefined });
      expect(only.body).toMatchObject({ invitation: null, skipped: 'opted_out' });
      const withEmail = await postEvent(
        { externalId: 'stop-third-record', phone, email: 'third.record@example.ru' },
        'sms',
      );
      expect(withEmail.body.invitation?.channel).toBe('email');

      // The admin lifts it, with a reason; the audit keeps the channel and the reason, not the number.
      await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
        email: 'admin@lender.test',
        name: 'Ада',
        role: 'admin',
        password: 'long-enough-password',
      });
      const admin = new ConsoleClient(api.baseUrl);
      await admin.signIn('admin@lender.test', 'long-enough-password');
      const page = await admin.get('/console/admin/suppressions');
      expect(page.text).not.toContain(phone);
      expect(page.text).toContain('+79•••••••10');
      const [{ id }] = (
        await sql.query(`SELECT id FROM contact_suppression WHERE address = $1 AND lifted_at IS NULL`, [
          phone,
        ])
      ).rows;
      expect((await admin.post(`/console/admin/suppressions/${id}/lift`, { reason: '' })).status).toBe(422);
      expect(
        (await admin.post(`/console/admin/suppressions/${id}/lift`, { reason: 'Попросила по телефону' }))
          .status,
      ).toBe(303);
      expect((await admin.post(`/console/admin/suppressions/${id}/lift`, { reason: 'Ещё раз' })).status).toBe(
        404,
      );
      const { rows: audit } = await sql.query(
        `SELECT details FROM audit_log WHERE action = 'contact_suppression.lifted'`,
      );
      expect(audit.map((r) => r.details)).toEqual([{ channel: 'sms', reason: 'Попросила по телефону' }]);
      const again = await postEvent({ externalId: 'stop-fourth-record', phone }, 'sms');
      expect(again.body.invitation?.channel).toBe('sms');
    });

    it('keeps an unsubscribed email address out under another borrower record, in any letter case', async () => {
      const email = 'Unsub.Person@Example.ru';
      const id = await sent({
        touchpoint: 'chat',
        borrower: { phone: undefined, email, externalId: 'unsub-first-record' },
      });
      // What POST /u/:token does (the route itself is tried in dispatch.spec; this file's rate-limit test spends the address's budget).
      expect(await api.app.get(OptOutService).optOutEmailByToken(invitationToken(TEST_APP_SECRET, id))).toBe(
        true,
      );
      const other = await postEvent({
        externalId: 'unsub-second-record',
        phone: undefined,
        email: email.toLowerCase(),
      });
      expect(other.body).toMatchObject({ invitation: null, skipped: 'opted_out' });
    });

    it('refuses forged or missing signatures with 403 and writes nothing', async () => {
      const before = (await sql.query(`SELECT count(*)::int AS n FROM inbound_message`)).rows[0].n;
      expect((await inbound({ MessageSid: sid(), From: '+79993330001', Body: '1' }, 'Zm9yZ2Vk')).status).toBe(
        403,
      );
      expect((await inbound({ MessageSid: sid(), From: '+79993330001', Body: '1' }, '')).status).toBe(403);
      expect((await sql.query(`SELECT count(*)::int AS n FROM inbound_message`)).rows[0].n).toBe(before);
    });

    it('answers an empty TwiML to a number it does not know and to malformed fields', async () => {
      expect((await inbound({ MessageSid: sid(), From: '+79990000000', Body: '5' })).body).not.toContain(
        '<Message>',
      );
      expect((await inbound({ MessageSid: 'nope', From: 'x', Body: '5' })).status).toBe(200);
    });
  });
});
