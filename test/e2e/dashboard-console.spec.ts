import { Client } from 'pg';
import {
  CategoryTrendQueries,
  MetricSums,
  MetricTargets,
  RefreshMetricRollups,
  ResponseFilters,
  ResponseQueries,
} from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { CallbackTaskQueries, TaskListFilters } from '@app/callbacks';
import { ComplaintFilters, ComplaintQueries } from '@app/complaints';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { RunningApi, startTestApi } from '../support/api-app';
import { answers } from '../factories/answers';
import { ConsoleClient } from '../support/console-client';

/** Handlebars' HTML escaping undone, for reading attributes back. */
const unescape = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');

const PERIOD = { from: '2026-08-21', to: '2026-11-18' };

/**
 * The dashboard on the demo history agrees with the pages its tiles open: the overdue callbacks with
 * the queue (filters included), the complaints with the register; a filter moves every figure it
 * concerns; and an open overdue complaint counts against "answered on time".
 */
describe('the dashboard agrees with the queue and the register', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let demo: DemoCredentials;
  let expert: ConsoleClient;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    demo = await api.app.get(DemoDataService).seedDemo();
    const login = demo.logins.find((l) => l.role === 'expert')!;
    expert = new ConsoleClient(api.baseUrl);
    await expert.signIn(login.email, login.password);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function dashboard(extra: Record<string, string> = {}) {
    const page = await expert.get(`/console/dashboard?${new URLSearchParams({ ...PERIOD, ...extra })}`);
    expect(page.status).toBe(200);
    const tile = (id: string) => {
      const match = new RegExp(
        `<(?:a|div) class="kpi[^"]*"(?: href="([^"]*)")? data-testid="kpi-${id}">\\s*<b data-value="([^"]*)"`,
      ).exec(page.text);
      if (!match) throw new Error(`no tile ${id}`);
      return { href: match[1] ? unescape(match[1]) : null, value: Number(match[2]) };
    };
    return { text: page.text, tile };
  }

  async function queueCount(filters: TaskListFilters): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await api.app.get(CallbackTaskQueries).list({ ...filters, limit: 200, cursor });
      total += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return total;
  }

  async function registerCount(filters: ComplaintFilters): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await api.app.get(ComplaintQueries).list(SYSTEM_ACTOR, { ...filters, limit: 200, cursor });
      total += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return total;
  }

  it('counts the overdue callbacks the queue lists, with the same touchpoint filter, and links to that list', async () => {
    const all = await dashboard();
    const collection = await dashboard({ touchpoint: 'collection' });
    const overdueAll = all.tile('overdue-callbacks');
    const overdueCollection = collection.tile('overdue-callbacks');
    expect(overdueAll.value).toBe(await queueCount({ overdue: true }));
    expect(overdueCollection.value).toBe(await queueCount({ overdue: true, touchpoint: 'collection' }));
    expect(overdueCollection.value).toBeLessThan(overdueAll.value);
    expect(overdueCollection.href).toBe('/console/queue?tab=all&overdue=1&touchpoint=collection');
    expect((await expert.get(overdueCollection.href!)).status).toBe(200);
  });

  it('counts the complaints the register lists for the period, from every channel, and links to it', async () => {
    const { tile } = await dashboard();
    const complaints = tile('complaints');
    expect(complaints.value).toBe(await registerCount(PERIOD));
    expect(await registerCount({ ...PERIOD, channel: 'letter' })).toBeGreaterThan(0);
    expect(complaints.href).toBe(`/console/complaints?from=${PERIOD.from}&to=${PERIOD.to}`);
    // Each tile says what it counts.
    const { text } = await dashboard();
    expect(text).toMatch(
      /data-testid="kpi-complaints">\s*<b[^>]*>[^<]*<\/b><span>Complaints registered<\/span>/,
    );
  });

  it('counts an open overdue complaint as late, and says how many there are', async () => {
    const { tile, text } = await dashboard();
    const overdue = await registerCount({ ...PERIOD, overdue: true });
    expect(overdue).toBeGreaterThan(0);
    const resolved = await registerCount({ ...PERIOD, status: 'resolved' });
    const onTime = tile('on-time');
    // On time of (resolved + open overdue): never the share of resolved alone.
    expect(onTime.value).toBeLessThanOrEqual(Math.round((resolved / (resolved + overdue)) * 1000) / 10);
    expect(text).toMatch(new RegExp(`data-testid="kpi-on-time">[\\s\\S]*?${overdue} open and overdue`));
    expect(onTime.href).toBe('/console/complaints/work?view=overdue');
  });

  it('moves the categories with the touchpoint filter, and shows every answer count behind the trend', async () => {
    const all = await dashboard();
    const collection = await dashboard({ touchpoint: 'collection' });
    const categories = (text: string) =>
      JSON.parse(
        unescape(
          /<h2>Complaint categories[^<]*<\/h2><div class="chart"><canvas data-chart="([^"]*)"/.exec(
            text,
          )![1]!,
        ),
      ) as { datasets: { data: number[] }[] };
    const sum = (spec: { datasets: { data: number[] }[] }) =>
      spec.datasets[0]!.data.reduce((a, b) => a + b, 0);
    expect(sum(categories(collection.text))).toBeLessThan(sum(categories(all.text)));
    // The trend table names what it counts: answers per metric, in their own columns.
    expect(all.text).toContain('<th>Answers, CSI</th>');
    expect(all.text).toContain('<th>Answers, NPS</th>');
  });

  it('lists the answers with the same filters, each linked to its callback or complaint, and audits the reading', async () => {
    const page = await expert.get(
      '/console/responses?from=2026-10-01&to=2026-11-18&low=true&hasComment=true',
    );
    expect(page.status).toBe(200);
    const rows = page.text.match(/<tr>\s*<td data-label="Date">/g) ?? [];
    expect(rows.length).toBe(50);
    expect(page.text).toMatch(/data-testid="response-(task|complaint)"/);
    expect(page.text).toContain('rel="next"');
    const sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const { rows: audited } = await sql.query(
      `SELECT details FROM audit_log WHERE action = 'responses.listed' ORDER BY id DESC LIMIT 1`,
    );
    await sql.end();
    expect(audited[0].details.filters).toMatchObject({ low: 'true', hasComment: 'true' });
    expect(audited[0].details.ids).toHaveLength(50);
    // Agents work from their tasks: the answers are not theirs to browse.
    const login = demo.logins.find((l) => l.role === 'agent')!;
    const agent = new ConsoleClient(api.baseUrl);
    await agent.signIn(login.email, login.password);
    expect((await agent.get('/console/responses')).status).toBe(403);
    expect((await agent.get('/api/v1/responses/export?format=csv')).status).toBe(403);
  });

  it('downloads the answers on screen with the session: the export button keeps the filters and the language', async () => {
    const page = await expert.get(
      '/console/responses?from=2026-11-01&to=2026-11-18&low=true&touchpoint=chat',
    );
    const link = unescape(
      /href="([^"]*)" data-export data-testid="responses-export-csv"/.exec(page.text)![1]!,
    );
    expect(link).toBe(
      '/api/v1/responses/export?from=2026-11-01&to=2026-11-18&touchpoint=chat&low=true&lang=en&format=csv',
    );
    const shown = (page.text.match(/<tr>\s*<td data-label="Date">/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(50);
    const file = await expert.get(link);
    expect(file.status).toBe(200);
    const lines = file.text.trim().split('\r\n');
    expect(lines).toHaveLength(shown + 1);
  });

  /** How many answers the explorer lists for these filters, every page. */
  async function explorerCount(filters: ResponseFilters): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await api.app.get(ResponseQueries).list(SYSTEM_ACTOR, { ...filters, limit: 200, cursor });
      total += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return total;
  }

  it('reads the same category shares from the rollups as from the raw answers, for six months by month and by week, filtered', async () => {
    const trends = api.app.get(CategoryTrendQueries);
    for (const filters of [
      { from: '2026-05-19', to: '2026-11-18', groupBy: 'month' as const },
      { from: '2026-05-19', to: '2026-11-18', groupBy: 'week' as const, channel: 'sms' },
    ]) {
      const rollup = await trends.load(filters, 'Europe/Moscow');
      expect(rollup).toEqual(await trends.load(filters, 'Europe/Moscow', 'raw'));
      expect(rollup.answers.totals.some((n) => n > 0)).toBe(true);
    }
  });

  it('draws each category’s share of low answers per month as the explorer counts them, and its top five of the week opens exactly those answers', async () => {
    const page = await expert.get('/console/dashboard?from=2026-08-21&to=2026-11-18&groupBy=month');
    expect(page.status).toBe(200);
    const section = /data-testid="category-shares"[\s\S]*?<\/section>/.exec(page.text)![0];
    const charts = [...section.matchAll(/data-chart="([^"]*)"/g)].map(
      (m) =>
        JSON.parse(unescape(m[1]!)) as {
          labels: string[];
          counts: number[];
          datasets: { label: string; data: (number | null)[] }[];
        },
    );
    expect(charts).toHaveLength(2);
    const [answers] = charts;
    // November: the chart's base is the explorer's low answers with a comment, and each share its category's.
    const november = answers!.labels.indexOf('November 2026');
    const month = { from: '2026-11-01', to: '2026-11-18', low: 'true' };
    expect(answers!.counts[november]).toBe(await explorerCount({ ...month, hasComment: 'true' }));
    const payments = answers!.datasets.find((d) => d.label === 'Payments')!;
    const paid = await explorerCount({ ...month, category: 'payments' });
    expect(payments.data[november]).toBeCloseTo((100 * paid) / answers!.counts[november]!, 1);

    const rows = [
      ...section.matchAll(/<tr data-category="([^"]+)">[\s\S]*?href="([^"]+)"[\s\S]*?data-value="(\d+)"/g),
    ];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(5);
    const counted = rows.map((r) => Number(r[3]));
    expect([...counted].sort((a, b) => b - a)).toEqual(counted);
    for (const [, category, href, value] of rows) {
      const link = new URL(unescape(href!), api.baseUrl);
      expect(Object.fromEntries(link.searchParams)).toEqual({
        from: '2026-11-16',
        to: '2026-11-22',
        category,
        low: 'true',
      });
      expect(await explorerCount(Object.fromEntries(link.searchParams))).toBe(Number(value));
    }
  });

  it('shows the NPS target’s gap and the change against the period before and a year earlier on its tile', async () => {
    const sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await answers(
      sql,
      [10, 10, 9, 6, 3].map((score) => ({
        survey: 'nps_relationship' as const,
        score,
        at: '2025-10-10T08:00:00Z',
      })),
    );
    await sql.end();
    await api.app.get(RefreshMetricRollups).recompute('2025-10-01', '2025-10-31');
    await api.app
      .get(MetricTargets)
      .set(SYSTEM_ACTOR, { metric: 'NPS', value: 45, from: '2026-07-01', to: '2026-12-31' });
    const { text } = await dashboard();
    const tile = /data-testid="kpi-nps">[\s\S]*?<\/(?:a|div)>/.exec(text)![0];
    const value = Number(/data-value="([^"]*)"/.exec(tile)![1]);
    expect(/data-target="([^"]*)"/.exec(tile)![1]).toBe('45');
    expect(Number(/data-gap="([^"]*)"/.exec(tile)![1])).toBeCloseTo(value - 45, 2);
    const metrics = api.app.get(MetricSums);
    const nps = async (from: string, to: string) =>
      (await metrics.report({ from, to, kind: 'NPS' }, 'all', 'Europe/Moscow')).totals.nps!;
    const changes = [...tile.matchAll(/data-change="([^"]*)"/g)].map((m) => Number(m[1]));
    expect(changes).toHaveLength(2);
    expect(changes[0]).toBeCloseTo(value - (await nps('2026-05-23', '2026-08-20')), 2);
    expect(changes[1]).toBeCloseTo(value - (await nps('2025-08-21', '2025-11-18')), 2);
    expect(await nps('2025-08-21', '2025-11-18')).toBe(20);
    expect(tile).toContain('vs a year earlier');
    // The NPS chart draws the target as a line across the period.
    const charts = [...text.matchAll(/data-chart="([^"]*)"/g)].map(
      (m) => JSON.parse(unescape(m[1]!)) as { datasets: { label: string; data: (number | null)[] }[] },
    );
    const npsChart = charts.find((c) => c.datasets.some((d) => d.label === 'NPS'))!;
    const line = npsChart.datasets.find((d) => d.label === 'Target NPS')!;
    expect(line.data.length).toBeGreaterThan(5);
    expect(new Set(line.data)).toEqual(new Set([45]));
  });
});
