import { Client } from 'pg';
import { RefreshMetricRollups } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { ApiKeyService } from '@app/identity';
import { answers } from '../factories/answers';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';

describe('GET /api/v1/metrics', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    const keys = api.app.get(ApiKeyService);
    key = (await keys.create(SYSTEM_ACTOR, { name: 'bi', scopes: ['metrics:read'] })).secret;
    otherKey = (await keys.create(SYSTEM_ACTOR, { name: 'crm', scopes: ['events:write'] })).secret;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await answers(sql, [
      ...[10, 9, 8, 3].map((score) => ({
        survey: 'nps_relationship' as const,
        score,
        touchpoint: 'repayment',
        at: '2026-11-02T08:00:00Z',
      })),
      ...[7, 8].map((score) => ({
        survey: 'nps_relationship' as const,
        score,
        touchpoint: 'loan_issued',
        channel: 'email',
        at: '2026-11-16T08:00:00Z',
      })),
      // 23:30 on 9 November in UTC is 10 November in Moscow.
      ...[5, 2].map((score) => ({ survey: 'csi_service' as const, score, at: '2026-11-09T23:30:00Z' })),
    ]);
    await api.app.get(RefreshMetricRollups).execute();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const get = (query: string, secret = key) =>
    request(`${api.baseUrl}/api/v1/metrics?${query}`, { headers: { authorization: `Bearer ${secret}` } });

  it('gives NPS per week with its promoters, passives and detractors, and the period total', async () => {
    const response = await get('from=2026-11-01&to=2026-11-30&kind=NPS&groupBy=week');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        { key: '2026-11-02', responses: 4, nps: 25, promoters: 2, passives: 1, detractors: 1 },
        { key: '2026-11-16', responses: 2, nps: 0, promoters: 0, passives: 2, detractors: 0 },
      ],
      totals: { responses: 6, nps: 16.7, promoters: 2, passives: 3, detractors: 1 },
    });
  });

  it('counts days in the lender’s zone and gives CSI with CSAT', async () => {
    const response = await get('from=2026-11-10&to=2026-11-10&kind=CSI&groupBy=day');
    expect(response.body).toEqual({
      items: [{ key: '2026-11-10', responses: 2, csi: 3.5, csat: 50 }],
      totals: { responses: 2, csi: 3.5, csat: 50 },
    });
  });

  it('groups by touchpoint and filters by channel', async () => {
    const byTouchpoint = await get('from=2026-11-01&to=2026-11-30&kind=NPS&groupBy=touchpoint');
    expect((byTouchpoint.body as { items: { key: string }[] }).items.map((i) => i.key)).toEqual([
      'loan_issued',
      'repayment',
    ]);
    const email = await get('from=2026-11-01&to=2026-11-30&kind=NPS&channel=email');
    expect((email.body as { totals: unknown }).totals).toEqual({
      responses: 2,
      nps: 0,
      promoters: 0,
      passives: 2,
      detractors: 0,
    });
  });

  it('answers an empty period with no items and an empty total', async () => {
    const response = await get('from=2025-01-01&to=2025-01-31&kind=CLI&groupBy=month');
    expect(response.body).toEqual({ items: [], totals: { responses: 0, cli: null } });
  });

  it.each([
    ['kind=NPS&to=2026-11-30', 'from'],
    ['from=2026-11-01&to=2026-11-30', 'kind'],
    ['from=2026-11-01&to=2026-11-30&kind=nps', 'kind'],
    ['from=2026-11-01&to=2026-11-30&kind=NPS&groupBy=hour', 'groupBy'],
    ['from=2026-02-30&to=2026-11-30&kind=NPS', 'from'],
    ['from=2026-11-30&to=2026-11-01&kind=NPS', 'to'],
    ['from=2020-01-01&to=2026-11-01&kind=NPS', 'from'],
    ['from=2026-11-01&to=2026-11-30&kind=NPS&sort=score;DROP TABLE response', 'sort'],
    ['from=2026-11-01&to=2026-11-30&kind=NPS&kind=CSI', 'kind'],
  ])('refuses %s with 400 naming %s', async (query, path) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect((response.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
  });

  it('needs a key with metrics:read', async () => {
    expect((await get('from=2026-11-01&to=2026-11-30&kind=NPS', otherKey)).status).toBe(403);
    expect(
      (await request(`${api.baseUrl}/api/v1/metrics?from=2026-11-01&to=2026-11-30&kind=NPS`)).status,
    ).toBe(401);
  });
});
