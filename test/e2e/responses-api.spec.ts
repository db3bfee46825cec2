import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { DemoDataService } from '@app/demo';
import { ApiKeyService } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';

interface Item {
  id: string;
  answeredAt: string;
  kind: string;
  score: number;
  comment: string | null;
  tags: string[];
  category: string | null;
  operator: string | null;
  callbackTaskId: string | null;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

/** `GET /api/v1/responses`: every answer, newest first, filtered like the dashboard, paged, audited. */
describe('the responses API', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let key: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await api.app.get(DemoDataService).seedDemo();
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'bi', scopes: ['responses:read'] }))
      .secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const get = (query: string) =>
    request<Page>(`${api.baseUrl}/api/v1/responses?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });

  async function all(query: string): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await get(`${query}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    return items;
  }

  it('pages through every low answer with a comment of the period, newest first, once each', async () => {
    const items = await all('from=2026-09-01&to=2026-11-18&low=true&hasComment=true');
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM response
        WHERE low AND comment IS NOT NULL
          AND submitted_at >= '2026-09-01T00:00:00+03:00' AND submitted_at < '2026-11-19T00:00:00+03:00'`,
    );
    expect(items.length).toBe(rows[0].n);
    expect(items.length).toBeGreaterThan(20);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items.every((i) => i.comment !== null)).toBe(true);
    const times = items.map((i) => i.answeredAt);
    expect([...times].sort().reverse()).toEqual(times);
    // Low answers came with a callback task.
    expect(items.every((i) => i.callbackTaskId !== null)).toBe(true);
  });

  it('filters by kind, by the comment’s category and by operator', async () => {
    const nps = await all('kind=NPS');
    expect(nps.length).toBeGreaterThan(0);
    expect(nps.every((i) => i.kind === 'NPS')).toBe(true);
    const payments = await all('category=payments');
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.every((i) => i.category === 'payments' && i.tags.includes('payments'))).toBe(true);
    const [{ agent_ref: operator }] = (
      await sql.query(`SELECT agent_ref FROM contact_event WHERE agent_ref IS NOT NULL LIMIT 1`)
    ).rows;
    const theirs = await all(`operator=${encodeURIComponent(operator)}`);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((i) => i.operator === operator)).toBe(true);
  });

  it('refuses bad filters with 400 naming the field, a tampered cursor or one from other filters too, and a key without the scope with 403', async () => {
    for (const [query, path] of [
      ['kind=XYZ', 'kind'],
      ['from=2026-02-30', 'from'],
      ['low=maybe', 'low'],
      ['cursor=AAAA', 'cursor'],
      ['limit=500', 'limit'],
      ['campaign=not-a-uuid', 'campaign'],
    ]) {
      const answer = await request<{ code: string; errors: { path: string }[] }>(
        `${api.baseUrl}/api/v1/responses?${query}`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      expect([query, answer.status, answer.body.code]).toEqual([query, 400, 'validation_failed']);
      expect(answer.body.errors.map((e) => e.path)).toContain(path);
    }
    // A cursor is bound to the filters it was given out for.
    const csi = await get('kind=CSI&limit=1');
    const foreign = await request<{ errors: { path: string; message: string }[] }>(
      `${api.baseUrl}/api/v1/responses?kind=NPS&cursor=${encodeURIComponent(csi.body.nextCursor!)}`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ path: 'cursor', message: 'belongs to other filters' }]);
    const other = (
      await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'metrics', scopes: ['metrics:read'] })
    ).secret;
    expect(
      (await request(`${api.baseUrl}/api/v1/responses`, { headers: { authorization: `Bearer ${other}` } }))
        .status,
    ).toBe(403);
  });

  it('audits every page read, with the filters and the answers shown, never the comments', async () => {
    const page = await get('kind=CSI&hasComment=true&limit=5');
    const { rows } = await sql.query(
      `SELECT actor_type, details FROM audit_log WHERE action = 'responses.listed' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0].actor_type).toBe('api_key');
    expect(rows[0].details.filters.kind).toBe('CSI');
    expect(rows[0].details.ids).toEqual(page.body.items.map((i) => i.id));
    expect(page.body.items).toHaveLength(5);
    for (const item of page.body.items) expect(JSON.stringify(rows[0].details)).not.toContain(item.comment!);
  });
});
