import { Client } from 'pg';
import { RefreshMetricRollups } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { AppConfig } from '@app/config';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { ApiKeyService } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';
import { request } from '../support/http';

interface Ratio {
  key: string;
  contactsPerApplication: number | null;
  complaintsPer1000Loans: number | null;
  lowScoresPer1000Loans: number | null;
  contacts: number;
  responses: number;
  lowScores: number;
  complaints: number;
  applications: number | null;
  loansIssued: number | null;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
/** Every day from `from` to `to`, inclusive. */
const days = (from: string, to: string) => {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
};

/** `PUT /api/v1/counts/{date}` and `GET /api/v1/metrics/ratios`: the lender's own counts and the ratios on them. */
describe('the lender’s counts and the ratios', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let writer: string;
  let reader: string;
  let zone: string;
  let demo: DemoCredentials;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    demo = await api.app.get(DemoDataService).seedDemo();
    await api.app.get(RefreshMetricRollups).execute();
    const keys = api.app.get(ApiKeyService);
    writer = (await keys.create(SYSTEM_ACTOR, { name: 'erp', scopes: ['counts:write'] })).secret;
    reader = (await keys.create(SYSTEM_ACTOR, { name: 'bi', scopes: ['metrics:read'] })).secret;
    zone = api.app.get(AppConfig).lenderTimeZone;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    // The demo posts its own history of counts (one audited batch); these tests post theirs.
    expect((await sql.query(`DELETE FROM lender_count_daily`)).rowCount).toBeGreaterThan(100);
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const put = (date: string, body: unknown, key = writer) =>
    request<Record<string, unknown>>(`${api.baseUrl}/api/v1/counts/${date}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}` },
      json: body,
    });
  const ratios = (query: string) =>
    request<{ items: Ratio[] }>(`${api.baseUrl}/api/v1/metrics/ratios?${query}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
  const stored = () =>
    sql
      .query(
        `SELECT day::text, product, applications, loans_issued, active_borrowers FROM lender_count_daily ORDER BY 1, 2`,
      )
      .then((r) => r.rows);

  it('stores a day’s figures and replaces them when the day is posted again, audited', async () => {
    const first = await put('2026-10-05', {
      product: 'PDL',
      counts: { applications: 1200, loans_issued: 800, active_borrowers: 51000 },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      date: '2026-10-05',
      product: 'PDL',
      counts: { applications: 1200, loans_issued: 800, active_borrowers: 51000 },
    });
    const again = await put('2026-10-05', { product: 'PDL', counts: { applications: 1300 } });
    expect(again.status).toBe(200);
    expect(await stored()).toEqual([
      { day: '2026-10-05', product: 'PDL', applications: 1300, loans_issued: null, active_borrowers: null },
    ]);
    const { rows } = await sql.query(
      `SELECT actor_type, details FROM audit_log WHERE action = 'lender_count.replaced' AND actor_type = 'api_key' ORDER BY id`,
    );
    expect(rows.map((r) => r.details.counts)).toEqual([
      { applications: 1200, loans_issued: 800, active_borrowers: 51000 },
      { applications: 1300 },
    ]);
    await sql.query(`DELETE FROM lender_count_daily`);
  });

  it('refuses bad figures and dates with 400 naming the field, and writes nothing', async () => {
    const auditBefore = (await sql.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n;
    for (const [date, body, path] of [
      ['2026-11-10', { counts: { applications: -1 } }, 'counts.applications'],
      ['2026-11-10', { counts: { loans_issued: 2.5 } }, 'counts.loans_issued'],
      ['2026-11-10', { counts: { applications: 10_000_000_000 } }, 'counts.applications'],
      ['2026-11-10', { counts: { applications: '12' } }, 'counts.applications'],
      ['2026-11-10', { counts: { refunds: 3 } }, 'counts.refunds'],
      ['2026-11-10', { counts: {} }, 'counts'],
      ['2026-11-10', {}, 'counts'],
      ['2026-11-10', { product: 'x'.repeat(101), counts: { applications: 1 } }, 'product'],
      ['2026-11-10', { product: 'PDL\u0000', counts: { applications: 1 } }, 'product'],
      ['2026-11-19', { counts: { applications: 1 } }, 'date'],
      ['2027-01-01', { counts: { applications: 1 } }, 'date'],
      ['2026-02-30', { counts: { applications: 1 } }, 'date'],
      ['yesterday', { counts: { applications: 1 } }, 'date'],
    ] as const) {
      const answer = await put(date, body);
      expect([date, JSON.stringify(body), answer.status, answer.body.code]).toEqual([
        date,
        JSON.stringify(body),
        400,
        'validation_failed',
      ]);
      expect((answer.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    }
    expect(await stored()).toEqual([]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n).toBe(auditBefore);
    // The scope is counts:write; metrics:read only reads.
    expect((await put('2026-11-10', { counts: { applications: 1 } }, reader)).status).toBe(403);
  });

  it('keeps one row per day and product when 30 posts of it arrive at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        put('2026-11-16', { product: i % 2 ? null : 'PDL', counts: { applications: 100 + i } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const rows = await stored();
    expect(rows.map((r) => [r.day, r.product])).toEqual([
      ['2026-11-16', 'PDL'],
      ['2026-11-16', null],
    ]);
    expect(rows[0].applications % 2).toBe(0);
    expect(rows[1].applications % 2).toBe(1);
    await sql.query(`DELETE FROM lender_count_daily`);
  });

  it('reads the ratios per week against the posted counts, each figure from the raw records', async () => {
    // Two whole weeks for the lender and for PDL; the Sunday before, PDL alone.
    for (const day of days('2026-11-02', '2026-11-15')) {
      expect((await put(day, { counts: { applications: 100, loans_issued: 50 } })).status).toBe(200);
      expect(
        (await put(day, { product: 'PDL', counts: { applications: 60, loans_issued: 30 } })).status,
      ).toBe(200);
    }
    expect(
      (await put('2026-11-01', { product: 'PDL', counts: { applications: 10, loans_issued: 5 } })).status,
    ).toBe(200);
    const answer = await ratios('from=2026-11-01&to=2026-11-15&groupBy=week');
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((i) => i.key)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']);

    const perDay = async (query: string, product: string | null) =>
      new Map(
        (await sql.query(query, [zone, product])).rows.map(
          (r) => [r.day as string, Number(r.n)] as [string, number],
        ),
      );
    const contactsSql = `SELECT (occurred_at AT TIME ZONE $1)::date::text AS day, count(*) AS n FROM contact_event
                          WHERE $2::text IS NULL OR product = $2 GROUP BY 1`;
    const lowSql = `SELECT (submitted_at AT TIME ZONE $1)::date::text AS day, count(*) AS n FROM response
                     WHERE low AND ($2::text IS NULL OR product = $2) GROUP BY 1`;
    const complaintsSql = `SELECT (c.registered_at AT TIME ZONE $1)::date::text AS day, count(*) AS n FROM complaint c
                            LEFT JOIN contact_event e ON e.id = c.contact_event_id
                            LEFT JOIN callback_task t ON t.id = c.task_id LEFT JOIN response r ON r.id = t.response_id
                           WHERE $2::text IS NULL OR coalesce(c.product, e.product, r.product) = $2 GROUP BY 1`;
    for (const product of [null, 'PDL']) {
      const contacts = await perDay(contactsSql, product);
      const low = await perDay(lowSql, product);
      const complaints = await perDay(complaintsSql, product);
      const answerFor = product
        ? (await ratios('from=2026-11-01&to=2026-11-15&groupBy=week&product=PDL')).body
        : answer.body;
      const weeks: [string, string, string, number, number][] = [
        // key, first day, last day, applications, loans (the Sunday: the lender has only PDL's row, summed)
        ['2026-10-26', '2026-11-01', '2026-11-01', 10, 5],
        ['2026-11-02', '2026-11-02', '2026-11-08', product ? 420 : 700, product ? 210 : 350],
        ['2026-11-09', '2026-11-09', '2026-11-15', product ? 420 : 700, product ? 210 : 350],
      ];
      for (const [key, from, to, applications, loans] of weeks) {
        const sum = (m: Map<string, number>) => days(from, to).reduce((a, d) => a + (m.get(d) ?? 0), 0);
        const item = answerFor.items.find((i) => i.key === key)!;
        expect({ product, ...item }).toEqual({
          product,
          key,
          applications,
          loansIssued: loans,
          contacts: sum(contacts),
          lowScores: sum(low),
          complaints: sum(complaints),
          responses: expect.any(Number),
          contactsPerApplication: round2(sum(contacts) / applications),
          complaintsPer1000Loans: round2((sum(complaints) * 1000) / loans),
          lowScoresPer1000Loans: round2((sum(low) * 1000) / loans),
        });
      }
    }
    // Somewhere in the two weeks there is something to divide.
    expect(answer.body.items.some((i) => i.contacts > 0 && i.lowScores > 0)).toBe(true);
  });

  it('shows the same ratios on the dashboard panel, for the period and per week', async () => {
    const login = demo.logins.find((l) => l.role === 'expert')!;
    const expert = new ConsoleClient(api.baseUrl);
    await expert.signIn(login.email, login.password);
    const page = await expert.get('/console/dashboard?from=2026-11-02&to=2026-11-15&groupBy=week');
    expect(page.status).toBe(200);
    const shown = (id: string) =>
      Number(new RegExp(`data-testid="${id}"><b data-value="([^"]*)"`).exec(page.text)![1]);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM contact_event
        WHERE occurred_at >= ('2026-11-02'::timestamp AT TIME ZONE $1) AND occurred_at < ('2026-11-16'::timestamp AT TIME ZONE $1)`,
      [zone],
    );
    expect(shown('ratio-contacts')).toBe(round2(rows[0].n / 1400));
    const weekly = (await ratios('from=2026-11-02&to=2026-11-15&groupBy=week')).body.items;
    const table = /data-testid="ratios-table"[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(table.match(/<tr><td/g)).toHaveLength(weekly.length);
    expect(table).toContain('02.11.2026');
    expect(table).toContain('09.11.2026');
  });

  it('reads null ratios where no counts were posted, never a division by zero', async () => {
    const answer = await ratios('from=2026-10-10&to=2026-10-11&groupBy=day');
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(2);
    for (const item of answer.body.items) {
      expect(item.applications).toBeNull();
      expect(item.contactsPerApplication).toBeNull();
      expect(item.complaintsPer1000Loans).toBeNull();
    }
  });

  it('refuses bad periods and groupings with 400', async () => {
    for (const [query, path] of [
      ['from=2026-11-10&to=2026-11-01', 'to'],
      ['from=2020-01-01&to=2026-11-01', 'to'],
      ['from=2026-11-01', 'to'],
      ['from=2026-11-01&to=2026-11-30&groupBy=operator', 'groupBy'],
      [`from=2026-11-01&to=2026-11-30&product=${'p'.repeat(101)}`, 'product'],
      ['from=2026-11-01&to=2026-11-30&extra=1', 'extra'],
    ]) {
      const answer = await request<{ code: string; errors: { path: string }[] }>(
        `${api.baseUrl}/api/v1/metrics/ratios?${query}`,
        { headers: { authorization: `Bearer ${reader}` } },
      );
      expect([query, answer.status, answer.body.code]).toEqual([query, 400, 'validation_failed']);
      expect(answer.body.errors.map((e) => e.path)).toContain(path);
    }
  });
});
