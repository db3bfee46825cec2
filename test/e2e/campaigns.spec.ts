import { Client } from 'pg';
import twilio from 'twilio';
import { DashboardQueries, RefreshMetricRollups } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { invitationToken } from '@app/surveys';
import { contactEvent } from '../factories/contact-event.factory';
import { RunningApi, startTestApi, TEST_APP_SECRET } from '../support/api-app';
import { request } from '../support/http';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TwilioStub } from '../support/twilio-stub';

// Wednesday 2026-12-02, 12:00 in Moscow.
const NOW = new Date('2026-12-02T09:00:00Z');
const PUBLIC = 'https://feedback.lender.test';

interface Outcome {
  id: string;
  status: string;
  recipients: number;
  accepted: number;
  skipped: Record<string, number>;
  rejected: { index: number; errors: { path: string; message: string }[] }[];
}
interface Progress {
  id: string;
  name: string;
  status: string;
  recipients: number;
  scheduled: number;
  sent: number;
  delivered: number;
  opened: number;
  answered: number;
  skipped: Record<string, number>;
}

const recipient = (
  id: string,
  borrower: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) => ({
  borrower: {
    externalId: id,
    name: 'Ирина',
    phone: phoneOf(id),
    locale: 'ru',
    timeZone: 'Europe/Moscow',
    ...borrower,
  },
  product: 'installment',
  segment: 'repeat',
  ...extra,
});

/** A distinct valid Russian mobile number per id. */
function phoneOf(id: string): string {
  let n = 0;
  for (const c of id) n = (n * 31 + c.charCodeAt(0)) % 10_000_000;
  return `+7999${String(n).padStart(7, '0')}`;
}

describe('relationship campaigns: POST /api/v1/campaigns, pages of recipients, progress, cancel', () => {
  let api: RunningApi;
  let stub: TwilioStub;
  let sql: Client;
  let key: string;
  let eventsKey: string;
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
    const keys = api.app.get(ApiKeyService);
    key = (
      await keys.create(SYSTEM_ACTOR, {
        name: 'crm',
        scopes: ['campaigns:write', 'tasks:read', 'responses:read'],
      })
    ).secret;
    eventsKey = (await keys.create(SYSTEM_ACTOR, { name: 'events', scopes: ['events:write'] })).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
    await stub.stop();
  });
  beforeEach(() => clock.set(NOW));

  const auth = (secret = key) => ({ authorization: `Bearer ${secret}` });
  const create = (json: unknown, secret = key) =>
    request<Outcome>(`${api.baseUrl}/api/v1/campaigns`, { method: 'POST', json, headers: auth(secret) });
  const add = (id: string, recipients: unknown) =>
    request<Outcome>(`${api.baseUrl}/api/v1/campaigns/${id}/recipients`, {
      method: 'POST',
      json: { recipients },
      headers: auth(),
    });
  const progress = (id: string) =>
    request<Progress>(`${api.baseUrl}/api/v1/campaigns/${id}`, { headers: auth() });
  const cancel = (id: string) =>
    request<Progress>(`${api.baseUrl}/api/v1/campaigns/${id}/cancel`, { method: 'POST', headers: auth() });
  const count = async (table: string) =>
    Number((await sql.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  it('creates a campaign: good recipients invited, a bad one rejected alone by index, the unreachable skipped; the same body replays, another is a conflict', async () => {
    const body = {
      externalId: 'nps-2026-q4',
      name: 'NPS Q4',
      survey: 'nps_relationship',
      recipients: [
        recipient('q4-1'),
        recipient('q4-2', { phone: '8 999 123 45 67' }),
        recipient('q4-3', { phone: undefined, email: undefined }),
        recipient('q4-4', { phone: undefined, email: 'q4-4@example.ru' }),
      ],
    };
    const first = await create(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'scheduled',
      recipients: 4,
      accepted: 2,
      skipped: { no_reachable_channel: 1 },
      rejected: [
        {
          index: 1,
          errors: [
            {
              path: 'borrower.phone',
              message: expect.stringContaining('8 999 … is a local Russian number, write it as +7 999'),
            },
          ],
        },
      ],
    });
    const again = await create(body);
    expect(again).toMatchObject({ status: 200, body: first.body });
    const other = await create({ ...body, name: 'NPS Q4 again' });
    expect(other).toMatchObject({ status: 409, body: { code: 'idempotency_conflict' } });

    const invitations = await sql.query(
      `SELECT i.channel, i.product, i.contact_event_id, s.key, b.segment, b.external_id
         FROM invitation i JOIN survey s ON s.id = i.survey_id JOIN borrower b ON b.id = i.borrower_id
        WHERE i.campaign_id = $1 ORDER BY b.external_id`,
      [first.body.id],
    );
    expect(invitations.rows).toEqual([
      {
        channel: 'sms',
        product: 'installment',
        contact_event_id: null,
        key: 'nps_relationship',
        segment: 'repeat',
        external_id: 'q4-1',
      },
      {
        channel: 'email',
        product: 'installment',
        contact_event_id: null,
        key: 'nps_relationship',
        segment: 'repeat',
        external_id: 'q4-4',
      },
    ]);
    expect((await progress(first.body.id)).body).toMatchObject({
      id: first.body.id,
      name: 'NPS Q4',
      survey: 'nps_relationship',
      status: 'sending',
      recipients: 3,
      scheduled: 2,
      sent: 0,
      skipped: { no_reachable_channel: 1 },
    });
  });

  it('creates one campaign when the same body arrives ten times at once', async () => {
    const body = {
      externalId: 'race-1',
      name: 'Race',
      survey: 'nps_relationship',
      recipients: [recipient('race-b')],
    };
    const responses = await Promise.all(Array.from({ length: 10 }, () => create(body)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(
      Number((await sql.query(`SELECT count(*) FROM campaign WHERE external_id = 'race-1'`)).rows[0].count),
    ).toBe(1);
    expect(
      Number(
        (await sql.query(`SELECT count(*) FROM invitation WHERE campaign_id = $1`, [responses[0]!.body.id]))
          .rows[0].count,
      ),
    ).toBe(1);
  });

  it('adds the same page twenty times at once and invites each borrower once', async () => {
    const created = await create({
      externalId: 'race-pages',
      name: 'Pages',
      survey: 'nps_relationship',
      recipients: [],
    });
    const page = Array.from({ length: 50 }, (_, i) => recipient(`race-page-${i}`));
    const responses = await Promise.all(Array.from({ length: 20 }, () => add(created.body.id, page)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.reduce((sum, r) => sum + r.body.accepted, 0)).toBe(50);
    expect(
      Number(
        (await sql.query(`SELECT count(*) FROM invitation WHERE campaign_id = $1`, [created.body.id])).rows[0]
          .count,
      ),
    ).toBe(50);
  });

  it('spreads 1,000 sends evenly over two days, inside the sending hours of each borrower’s zone', async () => {
    const zones = ['Europe/Moscow', 'Asia/Novosibirsk', 'Asia/Vladivostok'];
    const created = await create({
      externalId: 'spread-2d',
      name: 'Spread',
      survey: 'nps_relationship',
      startAt: '2026-12-02T12:00:00+03:00',
      spreadDays: 2,
      recipients: Array.from({ length: 1000 }, (_, i) =>
        recipient(`spread-${i}`, { timeZone: zones[i % 3] }),
      ),
    });
    expect(created.body).toMatchObject({ accepted: 1000, rejected: [] });
    const rows = (
      await sql.query<{ send_at: Date; local: string; zone: string }>(
        `SELECT i.send_at, to_char(i.send_at AT TIME ZONE b.time_zone, 'HH24:MI') AS local, b.time_zone AS zone
           FROM invitation i JOIN borrower b ON b.id = i.borrower_id WHERE i.campaign_id = $1`,
        [created.body.id],
      )
    ).rows;
    expect(rows).toHaveLength(1000);
    const start = NOW.getTime();
    for (const r of rows) {
      // Wednesday to Friday are working days: 08:00–22:00 local.
      expect(r.local >= '08:00' && r.local < '22:00').toBe(true);
      expect(r.send_at.getTime()).toBeGreaterThanOrEqual(start);
      expect(r.send_at.getTime()).toBeLessThan(start + 2 * 86_400_000);
    }
    // Moscow's allowed time in the span: Wed 12–22 (10 h), Thu 08–22 (14 h), Fri 08–12 (4 h) = 28 h.
    const moscow = rows.filter((r) => r.zone === 'Europe/Moscow');
    const share = (from: string, to: string) =>
      moscow.filter((r) => r.send_at >= new Date(from) && r.send_at < new Date(to)).length / moscow.length;
    expect(share('2026-12-02T09:00:00Z', '2026-12-02T19:00:00Z')).toBeCloseTo(10 / 28, 1);
    expect(share('2026-12-03T05:00:00Z', '2026-12-03T19:00:00Z')).toBeCloseTo(14 / 28, 1);
    expect(share('2026-12-04T05:00:00Z', '2026-12-04T09:00:00Z')).toBeCloseTo(4 / 28, 1);
    // Evenly: no hour of Moscow's 28 holds more than twice its share.
    const perHour = new Map<number, number>();
    for (const r of moscow) {
      const hour = Math.floor(r.send_at.getTime() / 3_600_000);
      perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    }
    expect(perHour.size).toBe(28);
    expect(Math.max(...perHour.values())).toBeLessThanOrEqual((2 * moscow.length) / 28);
  });

  it('skips a number that sent СТОП under another borrower record, and a borrower surveyed within the contact cap', async () => {
    const phone = '+79995550101';
    for (const [externalId, number] of [
      ['stop-record-a', phone],
      ['cap-borrower', '+79995550102'],
    ]) {
      const event = await request(`${api.baseUrl}/api/v1/contact-events`, {
        method: 'POST',
        json: contactEvent({
          externalId: `event-${externalId}`,
          occurredAt: '2026-12-02T11:00:00+03:00',
          borrower: { externalId, phone: number },
        }),
        headers: auth(eventsKey),
      });
      expect(event.body).toMatchObject({ invitation: { status: 'scheduled' } });
    }
    await api.app.get(DispatchInvitations).dispatchDue();
    const path = '/webhooks/twilio/inbound';
    const params = { MessageSid: `SM${'5'.repeat(32)}`, From: phone, To: TWILIO_FROM, Body: 'СТОП' };
    const stop = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          TWILIO_AUTH_TOKEN,
          `${PUBLIC}${path}`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(stop.status).toBe(200);
    expect(
      (
        await sql.query(`SELECT reason FROM contact_suppression WHERE address = $1 AND lifted_at IS NULL`, [
          phone,
        ])
      ).rows,
    ).toEqual([{ reason: 'stop' }]);

    const created = await create({
      externalId: 'stop-and-cap',
      name: 'Opt-outs',
      survey: 'nps_relationship',
      recipients: [
        recipient('stop-record-b', { phone }),
        // Surveyed after a contact today: within the contact cap.
        recipient('cap-borrower', { phone: '+79995550102' }),
        recipient('stop-fresh'),
      ],
    });
    expect(created.body).toMatchObject({
      accepted: 1,
      skipped: { opted_out: 1, contact_cap: 1 },
      rejected: [],
    });
  });

  it('brings the answers into the loop: sent, opened, answered; a low score opens a task that names the campaign', async () => {
    const created = await create({
      externalId: 'loop-1',
      name: 'Loop',
      survey: 'nps_relationship',
      recipients: [recipient('loop-borrower', {}, { product: 'PDL', segment: 'vip' })],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await api.app.get(DispatchInvitations).dispatchDue();
    const [invitation] = (await sql.query(`SELECT id, status FROM invitation WHERE campaign_id = $1`, [id]))
      .rows;
    expect(invitation.status).toBe('sent');
    expect(stub.messages.some((m) => m.to === phoneOf('loop-borrower'))).toBe(true);

    const token = invitationToken(TEST_APP_SECRET, invitation.id);
    const page = await fetch(`${api.baseUrl}/s/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    await fetch(`${api.baseUrl}/s/${token}`);
    expect((await progress(id)).body).toMatchObject({ sent: 1, opened: 1, answered: 0 });

    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const posted = await fetch(`${api.baseUrl}/s/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ q_recommend: '3', comment: 'дорого', csrf }).toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);

    expect((await progress(id)).body).toMatchObject({ sent: 1, opened: 1, answered: 1, status: 'finished' });
    const { rows } = await sql.query(
      `SELECT t.id, r.touchpoint, r.product FROM callback_task t JOIN response r ON r.id = t.response_id WHERE r.invitation_id = $1`,
      [invitation.id],
    );
    expect(rows).toEqual([{ id: expect.any(String), touchpoint: 'campaign', product: 'PDL' }]);
    const task = await request(`${api.baseUrl}/api/v1/callback-tasks/${rows[0].id}`, { headers: auth() });
    expect(task.body).toMatchObject({ event: null, campaign: { id, name: 'Loop' } });
    const answers = await request<{
      items: { campaign: unknown; segment: string; product: string; score: number }[];
    }>(`${api.baseUrl}/api/v1/responses?campaign=${id}`, { headers: auth() });
    expect(answers.body.items).toEqual([
      expect.objectContaining({ campaign: { id, name: 'Loop' }, segment: 'vip', product: 'PDL', score: 3 }),
    ]);
    // The dashboard's funnel (from the daily rollups) reads the campaign's opened and answered too.
    await api.app.get(RefreshMetricRollups).execute();
    const dashboard = await api.app
      .get(DashboardQueries)
      .load(
        { from: '2026-12-01', to: '2026-12-03', touchpoint: 'campaign', groupBy: 'week' },
        'Europe/Moscow',
        NOW,
      );
    const sentByCampaigns = Number(
      (
        await sql.query(
          `SELECT count(*) FROM invitation WHERE campaign_id IS NOT NULL AND sent_at IS NOT NULL`,
        )
      ).rows[0].count,
    );
    expect(dashboard.funnel).toMatchObject({ sent: sentByCampaigns, opened: 1, answered: 1 });
    const bySegment = await request<{ items: { id: string }[] }>(
      `${api.baseUrl}/api/v1/responses?segment=vip&touchpoint=campaign`,
      { headers: auth() },
    );
    expect(bySegment.body.items).toHaveLength(1);
  });

  it('adds pages of recipients, skipping a borrower already in the campaign; refuses an empty page, one of 10,001, and an unknown campaign', async () => {
    const created = await create({
      externalId: 'pages-1',
      name: 'Pages',
      survey: 'nps_relationship',
      recipients: [],
    });
    expect(created.body).toMatchObject({ recipients: 0, accepted: 0 });
    const id = created.body.id;
    const page = await add(id, [
      recipient('page-1'),
      recipient('page-2'),
      recipient('page-1', { name: 'Другая' }),
    ]);
    expect(page).toMatchObject({
      status: 200,
      body: { recipients: 3, accepted: 2, skipped: { duplicate: 1 } },
    });
    expect((await add(id, [recipient('page-2'), recipient('page-3')])).body).toMatchObject({
      accepted: 1,
      skipped: { duplicate: 1 },
    });
    expect((await progress(id)).body).toMatchObject({ recipients: 3, scheduled: 3 });

    const before = await count('campaign_recipient');
    expect(await add(id, [])).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const tooMany = Array.from({ length: 10_001 }, (_, i) => recipient(`many-${i}`));
    expect(await add(id, tooMany)).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'recipients', message: expect.stringContaining('10,000') }] },
    });
    expect((await add('5f1d7a3e-0000-4000-8000-000000000000', [recipient('x')])).status).toBe(404);
    expect((await add('not-a-uuid', [recipient('x')])).status).toBe(404);
    expect(await count('campaign_recipient')).toBe(before);
  });

  it('takes a full page of 10,000 recipients in one call', async () => {
    const created = await create({
      externalId: 'full-page',
      name: 'Full page',
      survey: 'nps_relationship',
      spreadDays: 5,
      recipients: Array.from({ length: 10_000 }, (_, i) =>
        recipient(`full-${i}`, { name: 'Константин Константинопольский', email: `full-${i}@example.ru` }),
      ),
    });
    expect(created).toMatchObject({ status: 201, body: { accepted: 10_000, rejected: [] } });
  });

  it('cancels what is not yet sent: nothing more goes out, pages are refused, a second cancel changes nothing', async () => {
    const created = await create({
      externalId: 'cancel-1',
      name: 'Cancel me',
      survey: 'nps_relationship',
      startAt: '2026-12-03T10:00:00+03:00',
      recipients: [recipient('cancel-a'), recipient('cancel-b')],
    });
    const id = created.body.id;
    expect((await progress(id)).body.status).toBe('scheduled');
    const cancelled = await cancel(id);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', scheduled: 0, sent: 0 } });
    clock.set(new Date('2026-12-03T08:00:00Z'));
    const before = stub.messages.length;
    await api.app.get(DispatchInvitations).dispatchDue();
    expect(
      stub.messages.slice(before).filter((m) => [phoneOf('cancel-a'), phoneOf('cancel-b')].includes(m.to)),
    ).toHaveLength(0);
    expect(
      (await sql.query(`SELECT DISTINCT status FROM invitation WHERE campaign_id = $1`, [id])).rows,
    ).toEqual([{ status: 'cancelled' }]);
    const recipients = await count('campaign_recipient');
    expect(await add(id, [recipient('cancel-c')])).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(await count('campaign_recipient')).toBe(recipients);
    expect(await cancel(id)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(
      Number(
        (
          await sql.query(
            `SELECT count(*) FROM audit_log WHERE action = 'campaign.cancelled' AND entity_id = $1`,
            [id],
          )
        ).rows[0].count,
      ),
    ).toBe(1);
  });

  it.each([
    ['an unknown programme', { survey: 'nps_unknown' }, 'survey'],
    ['a programme key that is no key', { survey: 'NPS Q4!' }, 'survey'],
    ['a spread of 31 days', { spreadDays: 31 }, 'spreadDays'],
    ['a negative spread', { spreadDays: -1 }, 'spreadDays'],
    ['a fractional spread', { spreadDays: 1.5 }, 'spreadDays'],
    ['a start without an offset', { startAt: '2026-12-03T10:00:00' }, 'startAt'],
    ['a start two years ahead', { startAt: '2028-12-03T10:00:00+03:00' }, 'startAt'],
    ['an empty name', { name: '' }, 'name'],
    ['recipients that are not a list', { recipients: { borrower: {} } }, 'recipients'],
    ['an unknown field', { audience: 'all' }, 'audience'],
    ['a missing externalId', { externalId: undefined }, 'externalId'],
    ['an impossible start date', { startAt: '2026-02-30T10:00:00+03:00' }, 'startAt'],
    ['a NUL in the name', { name: 'NPS\u0000Q4' }, 'name'],
    ['a lone surrogate in the externalId', { externalId: 'nps-\ud800' }, 'externalId'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_name, change, path) => {
    const before = await count('campaign');
    const response = await create({
      externalId: `bad-${path}`,
      name: 'Bad',
      survey: 'nps_relationship',
      recipients: [recipient('bad-1')],
      ...change,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation_failed' });
    expect(JSON.stringify(response.body)).toContain(path);
    expect(await count('campaign')).toBe(before);
  });

  it('rejects recipients one by one: unknown fields, bad zones, emails and locales are named by path', async () => {
    const response = await create({
      externalId: 'bad-recipients',
      name: 'Bad recipients',
      survey: 'nps_relationship',
      recipients: [
        recipient('r-ok'),
        recipient('r-zone', { timeZone: 'Mars/Olympus' }),
        recipient('r-email', { email: 'not-an-email' }),
        recipient('r-locale', { locale: 'de' }),
        { ...recipient('r-extra'), vip: true },
        'not an object',
        { borrower: { externalId: ' spaced ' } },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body.accepted).toBe(1);
    expect(response.body.rejected.map((r) => [r.index, r.errors.map((e) => e.path)])).toEqual([
      [1, ['borrower.timeZone']],
      [2, ['borrower.email']],
      [3, ['borrower.locale']],
      [4, ['vip']],
      [5, ['']],
      [6, ['borrower.externalId']],
    ]);
  });

  it('refuses a body over 16 MiB with 413, and answers 401 without a key and 403 without the scope', async () => {
    const huge = await fetch(`${api.baseUrl}/api/v1/campaigns`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({
        externalId: 'huge',
        name: 'x',
        survey: 'nps_relationship',
        pad: 'x'.repeat(17 * 1_048_576),
      }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({
      code: 'payload_too_large',
      detail: expect.stringContaining('16 MiB'),
    });
    expect((await request(`${api.baseUrl}/api/v1/campaigns/${'0'.repeat(8)}`)).status).toBe(401);
    expect(
      (
        await create(
          { externalId: 'scope', name: 'x', survey: 'nps_relationship', recipients: [] },
          eventsKey,
        )
      ).status,
    ).toBe(403);
  });
});
