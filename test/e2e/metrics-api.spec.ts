import { Client } from 'pg';
import { MetricTargets, RefreshMetricRollups } from '@app/analytics';
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
      // October (the period before November) and November a year ago, for comparisons.
      ...[10, 2].map((score) => ({ survey: 'nps_relationship' as const, score, at: '2026-10-20T08:00:00Z' })),
      ...[9, 9, 9].map((score) => ({
        survey: 'nps_relationship' as const,
        score,
        at: '2025-11-05T08:00:00Z',
      })),
      // December: operators, segments, categories and CLI's questions.
      ...[
        { score: 2, operator: 'op-1', segment: 'new', tags: ['payments'] },
        { score: 4, operator: 'op-1', segment: 'repeat', tags: ['other', 'collection_conduct'] },
        { score: 5, operator: 'op-2', segment: 'repeat', tags: [] },
      ].map((a) => ({ survey: 'csi_service' as const, at: '2026-12-02T08:00:00Z', ...a })),
      {
        survey: 'cli_loyalty',
        score: 6,
        at: '2026-12-03T08:00:00Z',
        answers: { recommend: 9, borrow_again: 5, choose_over_others: 4 },
      },
      {
        survey: 'cli_loyalty',
        score: 8,
        at: '2026-12-03T09:00:00Z',
        answers: { recommend: 7, borrow_again: 9, choose_over_others: 8 },
      },
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
        {
          key: '2026-11-02',
          responses: 4,
          nps: 25,
          promoters: 2,
          passives: 1,
          detractors: 1,
          significant: false,
        },
        {
          key: '2026-11-16',
          responses: 2,
          nps: 0,
          promoters: 0,
          passives: 2,
          detractors: 0,
          significant: false,
        },
      ],
      totals: { responses: 6, nps: 16.7, promoters: 2, passives: 3, detractors: 1 },
    });
  });

  it('counts days in the lender’s zone and gives CSI with CSAT', async () => {
    const response = await get('from=2026-11-10&to=2026-11-10&kind=CSI&groupBy=day');
    expect(response.body).toEqual({
      items: [{ key: '2026-11-10', responses: 2, csi: 3.5, csat: 50, significant: false }],
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
    ['from=2026-11-01&to=2026-11-30&kind=NPS&compare=week', 'compare'],
    ['from=2026-11-01&to=2026-11-30&kind=NPS&groupBy=borrower', 'groupBy'],
  ])('refuses %s with 400 naming %s', async (query, path) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect((response.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
  });

  const items = async (query: string) =>
    ((await get(query)).body as { items: Record<string, unknown>[] }).items.map(
      ({ key, responses, csi, cli }) => ({ key, responses, ...(csi !== undefined ? { csi } : { cli }) }),
    );

  it('groups by operator (the event’s agentRef), by the borrower’s segment and by the comment’s category, and filters by segment', async () => {
    const period = 'from=2026-12-01&to=2026-12-31&kind=CSI';
    expect(await items(`${period}&groupBy=operator`)).toEqual([
      { key: 'op-1', responses: 2, csi: 3 },
      { key: 'op-2', responses: 1, csi: 5 },
    ]);
    expect(await items(`${period}&groupBy=segment`)).toEqual([
      { key: 'new', responses: 1, csi: 2 },
      { key: 'repeat', responses: 2, csi: 4.5 },
    ]);
    // Filtered to one segment (what a campaign's recipients carry), grouped any way: read from the answers.
    expect(await items(`${period}&segment=repeat&groupBy=operator`)).toEqual([
      { key: 'op-1', responses: 1, csi: 4 },
      { key: 'op-2', responses: 1, csi: 5 },
    ]);
    expect(await items(`${period}&segment=repeat&groupBy=month`)).toEqual([
      { key: '2026-12-01', responses: 2, csi: 4.5 },
    ]);
    expect(await items(`${period}&segment=vip&groupBy=month`)).toEqual([]);
    // The main category is the first tag other than `other`; no comment reads as `—`.
    expect(await items(`${period}&groupBy=category`)).toEqual([
      { key: 'collection_conduct', responses: 1, csi: 4 },
      { key: 'payments', responses: 1, csi: 2 },
      { key: '—', responses: 1, csi: 5 },
    ]);
  });

  it('gives each of CLI’s three questions on its own, the totals counting each answer once', async () => {
    const response = await get('from=2026-12-01&to=2026-12-31&kind=CLI&groupBy=question');
    expect(response.body).toEqual({
      items: [
        { key: 'borrow_again', responses: 2, cli: 7, significant: false },
        { key: 'choose_over_others', responses: 2, cli: 6, significant: false },
        { key: 'recommend', responses: 2, cli: 8, significant: false },
      ],
      totals: { responses: 2, cli: 7 },
    });
  });

  it('compares with the period before and with a year earlier, group by group', async () => {
    const previous = await get('from=2026-11-01&to=2026-11-30&kind=NPS&groupBy=month&compare=previous');
    expect(previous.body).toMatchObject({
      items: [{ key: '2026-11-01', responses: 6, previous: { key: '2026-10-01', responses: 2, nps: 0 } }],
      totals: { responses: 6, nps: 16.7, previous: { responses: 2, nps: 0 } },
    });
    const year = await get('from=2026-11-01&to=2026-11-30&kind=NPS&groupBy=touchpoint&compare=year');
    expect(year.body).toMatchObject({
      items: [
        { key: 'loan_issued', previous: null },
        { key: 'repayment', previous: null },
      ],
      totals: { previous: { responses: 3, nps: 100 } },
    });
  });

  it('gives the target set for the period and the gap to it, for the same scope only', async () => {
    const targets = api.app.get(MetricTargets);
    await targets.set(SYSTEM_ACTOR, { metric: 'NPS', value: 45, from: '2026-10-01', to: '2026-12-31' });
    await targets.set(SYSTEM_ACTOR, {
      metric: 'NPS',
      value: 30,
      from: '2026-10-01',
      to: '2026-12-31',
      touchpoint: 'repayment',
    });
    const all = await get('from=2026-11-01&to=2026-11-30&kind=NPS');
    expect((all.body as { totals: unknown }).totals).toMatchObject({ nps: 16.7, target: 45, gap: -28.3 });
    const repayment = await get('from=2026-11-01&to=2026-11-30&kind=NPS&touchpoint=repayment');
    expect((repayment.body as { totals: unknown }).totals).toMatchObject({ nps: 25, target: 30, gap: -5 });
    const csi = await get('from=2026-11-01&to=2026-11-30&kind=CSI');
    expect((csi.body as { totals: object }).totals).not.toHaveProperty('target');
  });

  it('needs a key with metrics:read', async () => {
    expect((await get('from=2026-11-01&to=2026-11-30&kind=NPS', otherKey)).status).toBe(403);
    expect(
      (await request(`${api.baseUrl}/api/v1/metrics?from=2026-11-01&to=2026-11-30&kind=NPS`)).status,
    ).toBe(401);
  });
});
