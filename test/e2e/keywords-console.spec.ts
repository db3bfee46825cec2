import { Client } from 'pg';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { DispatchInvitations } from '@app/messaging';
import { RunningApi, startTestApi } from '../support/api-app';
import { contactEvent } from '../factories/contact-event.factory';
import { ConsoleClient } from '../support/console-client';
import { request } from '../support/http';

/**
 * The admin's keyword editor: words tried on the last 1,000 comments before saving (nothing written),
 * saved words tagging the next answer at once, a period tagged again with its rollups, and every bad
 * submission refused with nothing written.
 */
describe('the keyword editor', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let demo: DemoCredentials;
  let admin: ConsoleClient;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    demo = await api.app.get(DemoDataService).seedDemo();
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const login = demo.logins.find((l) => l.role === 'admin')!;
    admin = new ConsoleClient(api.baseUrl);
    await admin.signIn(login.email, login.password);
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const count = async (query: string, params: unknown[] = []) =>
    Number((await sql.query(query, params)).rows[0].n);
  const waitedTooLong = `comment ILIKE '%долго ждал%' AND NOT ('incorrect_consultation' = ANY(tags))`;
  const RULE = { category: 'incorrect_consultation', words: 'долго ждал, так и не решили' };

  it('tries words on the last 1,000 comments and says how many would gain the category, writing nothing', async () => {
    const tagsBefore = await count(
      `SELECT count(*) AS n FROM response WHERE 'incorrect_consultation' = ANY(tags)`,
    );
    await admin.get('/console/admin/keywords');
    const trial = await admin.post('/console/admin/keywords', { ...RULE, action: 'try' });
    expect(trial.status).toBe(200);
    const expected = await count(
      `SELECT count(*) AS n FROM (SELECT comment, tags FROM response WHERE comment IS NOT NULL
          ORDER BY submitted_at DESC, id DESC LIMIT 1000) r WHERE ${waitedTooLong}`,
    );
    expect(expected).toBeGreaterThan(0);
    expect(trial.text).toContain(`data-gained="${expected}"`);
    const comments = await count(`SELECT count(*) AS n FROM response WHERE comment IS NOT NULL`);
    expect(trial.text).toContain(`data-checked="${Math.min(1000, comments)}"`);
    expect(trial.text).toContain('долго ждал, так и не решили</textarea>');
    expect(await count(`SELECT count(*) AS n FROM comment_keyword`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM response WHERE 'incorrect_consultation' = ANY(tags)`)).toBe(
      tagsBefore,
    );
    const { rows } = await sql.query(
      `SELECT details FROM audit_log WHERE action = 'comment_keyword.tried' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0].details).toMatchObject({ gained: expected, stems: ['долго ждал', 'так и не решили'] });
  });

  it.each([
    ['no words', { words: '' }, 'Words'],
    ['only separators', { words: ' , ; ' }, 'Words'],
    ['a one-letter word', { words: 'ж' }, 'Words'],
    ['10,000 characters', { words: 'слово '.repeat(1700) }, 'Words'],
    ['31 words', { words: Array.from({ length: 31 }, (_, i) => `слово${i}`).join(',') }, 'Words'],
    ['the category Other', { category: 'other' }, 'Category'],
    ['an unknown category', { category: 'weather' }, 'Category'],
  ])('refuses %s, naming the field, and writes nothing', async (_name, change, named) => {
    await admin.get('/console/admin/keywords');
    for (const action of ['try', 'save']) {
      const refused = await admin.post('/console/admin/keywords', { ...RULE, ...change, action });
      expect([action, refused.status]).toEqual([action, 422]);
      expect(refused.text).toContain(`<b>${named}</b>`);
    }
    expect(await count(`SELECT count(*) AS n FROM comment_keyword`)).toBe(0);
  });

  it('saves the words, which tag the next answer at once, and tags a period again with its open tasks and rollups', async () => {
    await admin.get('/console/admin/keywords');
    expect((await admin.post('/console/admin/keywords', { ...RULE, action: 'save' })).status).toBe(303);
    expect((await sql.query(`SELECT category, stem FROM comment_keyword ORDER BY stem`)).rows).toEqual([
      { category: 'incorrect_consultation', stem: 'долго ждал' },
      { category: 'incorrect_consultation', stem: 'так и не решили' },
    ]);
    // The next answer is tagged by the new words at once.
    const auth = { authorization: `Bearer ${demo.apiKey}` };
    const event = await request<{ invitation: { id: string } }>(`${api.baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      headers: auth,
      json: contactEvent({
        touchpoint: 'chat',
        preferredChannel: 'in_app',
        occurredAt: '2026-11-18T11:00:00+03:00',
      }),
    });
    expect(event.status).toBe(202);
    await api.app.get(DispatchInvitations).dispatchDue();
    const answered = await request(`${api.baseUrl}/api/v1/invitations/${event.body.invitation.id}/response`, {
      method: 'POST',
      headers: auth,
      json: { answers: { satisfaction: 2 }, comment: 'Долго ждал, так и не решили' },
    });
    expect(answered.status).toBe(201);
    expect(
      (await sql.query(`SELECT tags FROM response WHERE invitation_id = $1`, [event.body.invitation.id]))
        .rows[0].tags,
    ).toEqual(['incorrect_consultation']);

    const inPeriod = `submitted_at >= '2026-10-19T00:00:00+03:00' AND submitted_at < '2026-11-19T00:00:00+03:00'`;
    const stale = await count(`SELECT count(*) AS n FROM response WHERE ${inPeriod} AND ${waitedTooLong}`);
    const older = await count(
      `SELECT count(*) AS n FROM response WHERE submitted_at < '2026-10-19T00:00:00+03:00' AND ${waitedTooLong}`,
    );
    expect(stale).toBeGreaterThan(0);
    const rollupBefore = await count(
      `SELECT coalesce(sum(responses), 0) AS n FROM metric_response_daily
        WHERE category = 'incorrect_consultation' AND day BETWEEN '2026-10-19' AND '2026-11-18'`,
    );

    await admin.get('/console/admin/keywords');
    const retag = await admin.post('/console/admin/keywords/retag', { from: '2026-10-19', to: '2026-11-18' });
    expect(retag.status).toBe(303);
    expect(retag.headers.get('location')).toMatch(/notice=retagged&changed=\d+/);
    expect(Number(/changed=(\d+)/.exec(retag.headers.get('location')!)![1])).toBeGreaterThanOrEqual(stale);
    expect(await count(`SELECT count(*) AS n FROM response WHERE ${inPeriod} AND ${waitedTooLong}`)).toBe(0);
    // Outside the period nothing moved.
    expect(
      await count(
        `SELECT count(*) AS n FROM response WHERE submitted_at < '2026-10-19T00:00:00+03:00' AND ${waitedTooLong}`,
      ),
    ).toBe(older);
    // Open tasks carry their answer's new tags; the rollups count the answers under the category.
    expect(
      await count(
        `SELECT count(*) AS n FROM callback_task t JOIN response r ON r.id = t.response_id
          WHERE t.status = 'open' AND t.tags <> r.tags`,
      ),
    ).toBe(0);
    const rollupAfter = await count(
      `SELECT coalesce(sum(responses), 0) AS n FROM metric_response_daily
        WHERE category = 'incorrect_consultation' AND day BETWEEN '2026-10-19' AND '2026-11-18'`,
    );
    expect(rollupAfter).toBeGreaterThan(rollupBefore);
  });

  it('refuses a backwards or over-long period to tag again, and removes a word once', async () => {
    await admin.get('/console/admin/keywords');
    for (const period of [
      { from: '2026-11-18', to: '2026-11-01' },
      { from: '2025-01-01', to: '2026-11-18' },
      { from: '2026-11-31', to: '2026-12-01' },
    ]) {
      const refused = await admin.post('/console/admin/keywords/retag', period);
      expect([JSON.stringify(period), refused.status]).toEqual([JSON.stringify(period), 422]);
    }
    const [{ id }] = (await sql.query(`SELECT id FROM comment_keyword WHERE stem = 'долго ждал'`)).rows;
    expect((await admin.post(`/console/admin/keywords/${id}/remove`)).status).toBe(303);
    expect((await admin.post(`/console/admin/keywords/${id}/remove`)).status).toBe(404);
    expect((await admin.post(`/console/admin/keywords/not-an-id/remove`)).status).toBe(404);
    expect(await count(`SELECT count(*) AS n FROM comment_keyword WHERE removed_at IS NULL`)).toBe(1);
  });
});
