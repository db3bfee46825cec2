import { Client } from 'pg';
import { seedTasks } from '../factories/low-scores';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * The hot queries read their indexes in order and stop at a page: checked with EXPLAIN on enough rows
 * that the planner has a real choice (a sequential scan and a sort would show here first).
 */
describe('query plans of the queue, the register and the dashboards', () => {
  let db: TestDatabase;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedTasks(db.url, 20_000);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(
      `UPDATE callback_task SET first_contact_due_at = now() - (random() * interval '3 days') WHERE random() < 0.3`,
    );
    await sql.query(
      `INSERT INTO complaint (register_year, register_seq, borrower_id, received_via, category, substance, registered_at, received_at, due_at)
       SELECT 2026, g, (SELECT id FROM borrower LIMIT 1), 'callback', 'payments', 'x',
              timestamptz '2026-01-01' + g * interval '20 minutes', timestamptz '2026-01-01' + g * interval '20 minutes', timestamptz '2026-02-01' + g * interval '20 minutes'
         FROM generate_series(1, 20000) g`,
    );
    await sql.query(
      `INSERT INTO metric_response_daily (day, survey_key, kind, touchpoint, channel, product, locale, responses, score_sum, top2, promoters, passives, detractors, low)
       SELECT d::date, k, CASE WHEN k = 'csi_service' THEN 'CSI' ELSE 'NPS' END, t, c, '', 'ru', 10, 70, 5, 5, 3, 2, 2
         FROM generate_series(date '2024-01-01', date '2026-11-30', interval '1 day') d,
              unnest(ARRAY['csi_service', 'nps_relationship']) k, unnest(ARRAY['call', 'chat', 'repayment']) t, unnest(ARRAY['sms', 'email']) c`,
    );
    await sql.query('ANALYZE');
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  async function plan(query: string, params: unknown[] = []): Promise<PlanNode[]> {
    const { rows } = await sql.query(`EXPLAIN (FORMAT JSON) ${query}`, params);
    return nodes((rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
  }

  it('reads the open queue in queue order from its index, without sorting', async () => {
    const used = await plan(
      `SELECT t.* FROM callback_task t WHERE t.status = 'open' ORDER BY t.priority DESC, t.first_contact_due_at, t.id LIMIT 51`,
    );
    expect(used.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(
      used.some(
        (n) =>
          n['Index Name'] === 'callback_task_queue_idx' ||
          n['Index Name'] === 'callback_task_status_queue_idx',
      ),
    ).toBe(true);
  });

  it('reads the overdue view from the index of uncontacted tasks', async () => {
    const used = await plan(
      `SELECT t.* FROM callback_task t
        WHERE t.status IN ('open', 'in_progress') AND t.first_contact_at IS NULL AND t.first_contact_due_at < now()
        ORDER BY t.priority DESC, t.first_contact_due_at, t.id LIMIT 51`,
    );
    expect(used.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(used.some((n) => n['Index Name'] === 'callback_task_uncontacted_queue_idx')).toBe(true);
  });

  it('finds a month of the register through the registration index, never scanning every complaint', async () => {
    const used = await plan(
      `SELECT c.register_no FROM complaint c
        WHERE c.registered_at >= '2026-03-01' AND c.registered_at < '2026-04-01'
        ORDER BY c.registered_at, c.register_year, c.register_seq`,
    );
    expect(used.some((n) => n['Index Name'] === 'complaint_registered_idx')).toBe(true);
    expect(used.map((n) => n['Node Type'])).not.toContain('Seq Scan');
  });

  it('reads a year of one kind of the dashboard rollups from their (kind, day) index', async () => {
    const used = await plan(
      `SELECT date_trunc('week', m.day), sum(m.responses), sum(m.promoters), sum(m.detractors)
         FROM metric_response_daily m WHERE m.kind = 'NPS' AND m.day BETWEEN '2025-11-20' AND '2026-11-19' GROUP BY 1`,
    );
    expect(
      used.some(
        (n) =>
          n['Index Name'] === 'metric_response_daily_kind_day_idx' ||
          n['Index Name'] === 'metric_response_daily_pkey',
      ),
    ).toBe(true);
  });
});
