import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import fc from 'fast-check';
import { DashboardQueries, MetricSums, RefreshMetricRollups } from '@app/analytics';
import { FixedClock } from '@app/core';
import { DemoDataService, DemoHistoryService } from '@app/demo';
import { answers } from '../factories/answers';
import { domainContext } from '../support/domain-context';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const NOW = new Date('2026-11-18T09:00:00Z');
const ZONE = 'Europe/Moscow';

describe('dashboard metrics and the demo history', () => {
  const clock = new FixedClock(NOW);

  describe('on a small fixed data set', () => {
    let db: TestDatabase;
    let ctx: INestApplicationContext;
    let sql: Client;

    beforeAll(async () => {
      db = await createTestDatabase();
      ctx = await domainContext(db.url, clock);
      sql = new Client({ connectionString: db.url });
      await sql.connect();
      await answers(sql, [
        // Week of 2 November: CSI 5, 4, 3, 1; NPS 10, 9, 9, 8, 6, 0.
        ...[5, 4, 3, 1].map((score) => ({
          survey: 'csi_service' as const,
          score,
          at: '2026-11-03T10:00:00Z',
        })),
        ...[10, 9, 9, 8, 6, 0].map((score) => ({
          survey: 'nps_relationship' as const,
          score,
          touchpoint: 'repayment',
          at: '2026-11-04T10:00:00Z',
        })),
        // Week of 9 November: only passives on loans issued, by email; CLI means 8.67 and 5.33.
        ...[7, 8, 7].map((score) => ({
          survey: 'nps_relationship' as const,
          score,
          touchpoint: 'loan_issued',
          channel: 'email',
          at: '2026-11-10T10:00:00Z',
        })),
        ...[8.67, 5.33].map((score) => ({
          survey: 'cli_loyalty' as const,
          score,
          touchpoint: 'repayment',
          channel: 'email',
          product: 'installment',
          at: '2026-11-11T10:00:00Z',
        })),
        // Outside the period.
        { survey: 'csi_service', score: 1, at: '2026-10-01T10:00:00Z' },
      ]);
      await ctx.get(RefreshMetricRollups).execute();
    });
    afterAll(async () => {
      await sql?.end();
      await ctx?.close();
      await db?.drop();
    });

    const load = (extra: object = {}) =>
      ctx
        .get(DashboardQueries)
        .load({ from: '2026-11-01', to: '2026-11-15', groupBy: 'week', ...extra }, ZONE, NOW);

    it('computes CSI, CSAT, NPS and CLI of the period from counts and sums', async () => {
      const { totals } = await load();
      expect(totals.CSI).toEqual({ responses: 4, csi: 3.25, csat: 50 });
      // 3 promoters, 4 passives, 2 detractors of 9 → (3 − 2) / 9 = 11.1
      expect(totals.NPS).toEqual({ responses: 9, nps: 11.1, promoters: 3, passives: 4, detractors: 2 });
      expect(totals.CLI).toEqual({ responses: 2, cli: 7 });
    });

    it('groups by week in the lender’s zone and by touchpoint; NPS with only passives is 0', async () => {
      const data = await load();
      expect(data.trend.map((t) => [t.period, t.metrics.NPS.nps])).toEqual([
        ['2026-11-02', 16.7],
        ['2026-11-09', 0],
      ]);
      const loans = data.byTouchpoint.find((g) => g.key === 'loan_issued')!;
      expect(loans.metrics.NPS).toMatchObject({ responses: 3, nps: 0 });
    });

    it('filters by channel and product', async () => {
      const email = await load({ channel: 'email' });
      expect([email.totals.CSI.responses, email.totals.NPS.responses, email.totals.CLI.responses]).toEqual([
        0, 3, 2,
      ]);
      const installment = await load({ product: 'installment' });
      expect(installment.totals.CLI).toEqual({ responses: 2, cli: 7 });
      expect(installment.totals.NPS.nps).toBeNull();
    });

    it('refuses a bad period with validation errors, never a query', async () => {
      await expect(load({ from: '2026-13-01' })).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(load({ from: '2026-11-15', to: '2026-11-01' })).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(load({ groupBy: 'day; DROP TABLE response' })).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(load({ touchpoint: "call' OR '1'='1" })).resolves.toMatchObject({
        totals: { CSI: { responses: 0 } },
      });
    });
  });

  describe('the rollups, kept incrementally while answers arrive', () => {
    let db: TestDatabase;
    let ctx: INestApplicationContext;
    let sql: Client;
    const start = new Date('2026-10-30T20:00:00Z');

    beforeAll(async () => {
      db = await createTestDatabase();
      ctx = await domainContext(db.url, clock);
      sql = new Client({ connectionString: db.url });
      await sql.connect();
    });
    afterAll(async () => {
      clock.set(NOW);
      await sql?.end();
      await ctx?.close();
      await db?.drop();
    });

    const answer = fc.record({
      survey: fc.constantFrom('csi_service' as const, 'nps_relationship' as const, 'cli_loyalty' as const),
      value: fc.integer({ min: 0, max: 10 }),
      touchpoint: fc.constantFrom('call', 'chat', 'repayment'),
      channel: fc.constantFrom('sms', 'email', 'in_app'),
      product: fc.constantFrom('PDL', 'installment', null),
      // Committed a little after it was stamped (within the refresh's margin for late commits).
      lateSeconds: fc.integer({ min: 0, max: 240 }),
    });
    const step = fc.record({
      minutes: fc.integer({ min: 0, max: 2 * 24 * 60 }),
      answers: fc.array(answer, { maxLength: 6 }),
    });

    it('equal the raw computation for every grouping after any sequence of answers and refreshes', async () => {
      clock.set(start);
      const refresh = ctx.get(RefreshMetricRollups);
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          for (const s of steps) {
            clock.advance(s.minutes * 60_000);
            await answers(
              sql,
              s.answers.map((a) => ({
                survey: a.survey,
                score:
                  a.survey === 'csi_service'
                    ? 1 + (a.value % 5)
                    : a.survey === 'cli_loyalty'
                      ? a.value + 0.33 * (a.value < 10 ? 1 : 0)
                      : a.value,
                touchpoint: a.touchpoint,
                channel: a.channel,
                product: a.product,
                at: new Date(clock.now().getTime() - a.lateSeconds * 1000).toISOString(),
              })),
            );
            await refresh.execute();
          }
          const sums = ctx.get(MetricSums);
          const period = { from: '2026-10-01', to: '2027-03-31' };
          for (const group of [
            'day',
            'week',
            'month',
            'touchpoint',
            'channel',
            'product',
            'survey',
            'all',
          ] as const) {
            const [rollup, raw] = await Promise.all([
              sums.sums(period, group, ZONE, 'rollup'),
              sums.sums(period, group, ZONE, 'raw'),
            ]);
            expect([group, rollup]).toEqual([group, raw]);
          }
        }),
        { numRuns: 12 * Number(process.env.FC_RUNS_FACTOR ?? 1) },
      );
      // Invitation counts follow within five minutes.
      clock.advance(6 * 60_000);
      await refresh.execute();
      const { rows } = await sql.query(
        `SELECT (SELECT sum(answered)::int FROM metric_invitation_daily) AS rolled, (SELECT count(*)::int FROM invitation WHERE status = 'answered') AS raw`,
      );
      expect(rows[0].rolled).toBe(rows[0].raw);
    });

    it('lets one day be recomputed after a correction, and two refreshers never run at once', async () => {
      const day = await sql.query(`SELECT min(day)::text AS day FROM metric_response_daily`);
      await sql.query(`DELETE FROM metric_response_daily WHERE day = $1`, [day.rows[0].day]);
      await ctx.get(RefreshMetricRollups).recompute(day.rows[0].day, day.rows[0].day);
      const sums = ctx.get(MetricSums);
      const period = { from: '2026-10-01', to: '2027-03-31' };
      expect(await sums.sums(period, 'day', ZONE, 'rollup')).toEqual(
        await sums.sums(period, 'day', ZONE, 'raw'),
      );
      const both = await Promise.all([
        ctx.get(RefreshMetricRollups).execute(),
        ctx.get(RefreshMetricRollups).execute(),
      ]);
      expect(both.filter((outcome) => outcome === null).length).toBeLessThanOrEqual(1);
    });
  });

  describe('the demo history', () => {
    let db: TestDatabase;
    let ctx: INestApplicationContext;
    let sql: Client;

    beforeAll(async () => {
      db = await createTestDatabase();
      ctx = await domainContext(db.url, clock);
      sql = new Client({ connectionString: db.url });
      await sql.connect();
      await ctx.get(DemoDataService).seedDemo();
    });
    afterAll(async () => {
      await sql?.end();
      await ctx?.close();
      await db?.drop();
    });

    it('has tasks and complaints in every state over ninety days', async () => {
      const { rows } = await sql.query(
        `SELECT (SELECT array_agg(DISTINCT status ORDER BY status) FROM callback_task) AS tasks,
                (SELECT array_agg(DISTINCT status ORDER BY status) FROM complaint) AS complaints,
                (SELECT array_agg(DISTINCT classification ORDER BY classification) FROM complaint WHERE classification IS NOT NULL) AS classes,
                (SELECT count(*)::int FROM borrower) AS borrowers,
                (SELECT extract(day FROM $1::timestamptz - min(occurred_at))::int FROM contact_event) AS days`,
        [NOW],
      );
      expect(rows[0]).toMatchObject({
        tasks: ['closed', 'complaint', 'in_progress', 'open'],
        complaints: ['registered', 'resolved', 'under_review'],
        classes: ['justified', 'partly_justified', 'unjustified'],
        borrowers: 300,
      });
      expect(rows[0].days).toBeGreaterThanOrEqual(89);
    });

    it('has complaints from letters, the regulator and calls beside the survey-born ones, some overdue, and corrective actions in every state', async () => {
      const { rows } = await sql.query(
        `SELECT (SELECT array_agg(DISTINCT received_via ORDER BY received_via) FROM complaint) AS channels,
                (SELECT count(*)::int FROM complaint WHERE received_via IN ('regulator', 'sro') AND regulator_ref IS NULL) AS forwarded_without_ref,
                (SELECT count(*)::int FROM complaint WHERE status <> 'resolved' AND coalesce(extended_due_at, due_at) < $1) AS overdue,
                (SELECT count(*)::int FROM complaint WHERE registered_late) AS late,
                (SELECT array_agg(DISTINCT corrective_action_status ORDER BY corrective_action_status) FROM complaint WHERE corrective_action_status IS NOT NULL) AS actions,
                (SELECT count(*)::int FROM complaint WHERE classification IS NOT NULL AND criteria_judged IS NULL) AS reviewed_without_texts`,
        [NOW],
      );
      expect(rows[0].channels).toEqual(expect.arrayContaining(['callback', 'letter', 'phone', 'regulator']));
      expect(rows[0]).toMatchObject({
        forwarded_without_ref: 0,
        actions: ['done', 'dropped', 'in_progress', 'planned'],
        reviewed_without_texts: 0,
      });
      expect(rows[0].overdue).toBeGreaterThan(0);
      expect(rows[0].late).toBeGreaterThan(0);
    });

    it('keeps the domain invariants: gap-free register numbers, a task per low score, resolved complaints close their task', async () => {
      const numbers = await sql.query(
        `SELECT register_year, count(*)::int AS n, max(register_seq) AS max, (SELECT last_value FROM complaint_counter k WHERE k.year = c.register_year) AS counter
           FROM complaint c GROUP BY register_year`,
      );
      for (const row of numbers.rows) expect([row.max, row.counter]).toEqual([row.n, row.n]);
      const orphans = await sql.query(
        `SELECT (SELECT count(*)::int FROM response r WHERE r.low AND NOT EXISTS (SELECT 1 FROM callback_task t WHERE t.response_id = r.id)) AS lows_without_task,
                (SELECT count(*)::int FROM callback_task t JOIN response r ON r.id = t.response_id WHERE NOT r.low) AS tasks_not_low,
                (SELECT count(*)::int FROM complaint c JOIN callback_task t ON t.id = c.task_id
                  WHERE (c.status = 'resolved') <> (t.status = 'closed' AND t.closure_reason = 'complaint_resolved')) AS mismatched,
                (SELECT count(*)::int FROM response r JOIN invitation i ON i.id = r.invitation_id WHERE i.status <> 'answered') AS unanswered`,
      );
      expect(orphans.rows[0]).toEqual({
        lows_without_task: 0,
        tasks_not_low: 0,
        mismatched: 0,
        unanswered: 0,
      });
    });

    it('writes the history once: seeding again adds nothing', async () => {
      const before = await sql.query(`SELECT count(*)::int AS n FROM contact_event`);
      expect(await ctx.get(DemoHistoryService).seed()).toBe(false);
      await ctx.get(DemoDataService).seedDemo();
      const after = await sql.query(`SELECT count(*)::int AS n FROM contact_event`);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });
  });
});
