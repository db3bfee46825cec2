import { Client } from 'pg';
import { ResponseQueries } from '@app/analytics';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { DemoCredentials, DemoDataService } from '@app/demo';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

const PERIOD = 'from=2026-08-21&to=2026-11-18';
const ZONE = 'Europe/Moscow';

/**
 * Operators and the QC team: the operator list kept by admins (a CSV refused whole for one bad line),
 * operators' and teams' answers and complaints agreeing with the records, and each QC specialist's
 * callback work, which an agent sees for themselves only.
 */
describe('people: operators, teams and the QC team', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  let demo: DemoCredentials;
  const signedIn = async (role: string) => {
    const login = demo.logins.find((l) => l.role === role)!;
    const client = new ConsoleClient(api.baseUrl);
    await client.signIn(login.email, login.password);
    return client;
  };

  beforeAll(async () => {
    api = await startTestApi({ clock });
    demo = await api.app.get(DemoDataService).seedDemo();
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const operatorCount = async () => Number((await sql.query(`SELECT count(*) FROM operator`)).rows[0].count);
  const csv = (lines: string[]) => ['agent_ref,name,team', ...lines].join('\r\n');

  it('refuses an operator list with a repeated or bad line, naming each line, and imports nothing', async () => {
    const admin = await signedIn('admin');
    await admin.get('/console/admin/operators');
    for (const [list, named] of [
      [
        csv(['op-1,Анна Смирнова,Команда А', 'op-2,Борис Орлов,Команда Б', 'op-1,Анна С.,Команда А']),
        'CSV, line 4',
      ],
      [csv(['op-1,Анна Смирнова,Команда А', ',Без кода,Команда Б']), 'CSV, line 3: Agent'],
      [csv(['op-1,Анна Смирнова']), 'CSV, line 2'],
      ['agent,name\r\nop-1,Анна', 'CSV'],
      [csv([]), 'CSV'],
    ]) {
      const refused = await admin.post('/console/admin/operators/import', { csv: list });
      expect([named, refused.status]).toEqual([named, 422]);
      expect(refused.text).toContain(`<b>${named}</b>`);
      if (list.includes('op-1')) expect(refused.text).toContain('op-1'); // the list typed is kept
    }
    expect(await operatorCount()).toBe(0);
  });

  it('imports the operator list and renames one operator by hand, audited', async () => {
    const admin = await signedIn('admin');
    await admin.get('/console/admin/operators');
    const lines = Array.from(
      { length: 24 },
      (_, i) => `op-${i + 1},"Оператор ${i + 1}, смена",${i % 2 ? 'Команда Б' : 'Команда А'}`,
    );
    expect((await admin.post('/console/admin/operators/import', { csv: `\uFEFF${csv(lines)}` })).status).toBe(
      303,
    );
    expect(await operatorCount()).toBe(24);
    await admin.get('/console/admin/operators');
    expect(
      (
        await admin.post('/console/admin/operators', {
          agentRef: 'op-1',
          name: 'Анна Смирнова',
          team: 'Команда А',
        })
      ).status,
    ).toBe(303);
    const { rows } = await sql.query(`SELECT name, team FROM operator WHERE agent_ref = 'op-1'`);
    expect(rows).toEqual([{ name: 'Анна Смирнова', team: 'Команда А' }]);
    const audit = await sql.query(
      `SELECT details FROM audit_log WHERE action = 'operator.saved' ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.details)).toEqual([
      { imported: 24 },
      { agentRef: 'op-1', name: 'Анна Смирнова', team: 'Команда А' },
    ]);
  });

  it('reads each operator’s answers as the explorer lists them and their complaints as the register holds them, most complaints first', async () => {
    const expert = await signedIn('expert');
    const page = await expert.get(`/console/people?tab=operators&${PERIOD}`);
    expect(page.status).toBe(200);
    const rows = [
      ...page.text.matchAll(/<tr data-key="([^"]+)">[\s\S]*?data-value="(\d+)"[\s\S]*?data-value="(\d+)"/g),
    ].map((m) => ({ key: m[1]!, complaints: Number(m[2]), responses: Number(m[3]) }));
    expect(rows.length).toBe(24);
    expect(page.text).toContain('Анна Смирнова');
    const complaints = rows.map((r) => r.complaints);
    expect([...complaints].sort((a, b) => b - a)).toEqual(complaints);
    for (const row of rows.slice(0, 3)) {
      let listed = 0;
      let cursor: string | undefined;
      do {
        const answers = await api.app.get(ResponseQueries).list(SYSTEM_ACTOR, {
          from: '2026-08-21',
          to: '2026-11-18',
          operator: row.key,
          limit: 200,
          cursor,
        });
        listed += answers.items.length;
        cursor = answers.nextCursor ?? undefined;
      } while (cursor);
      expect([row.key, row.responses]).toEqual([row.key, listed]);
      const { rows: registered } = await sql.query(
        `SELECT count(*)::int AS n FROM complaint c
           LEFT JOIN contact_event ce ON ce.id = c.contact_event_id
           LEFT JOIN callback_task t ON t.id = c.task_id LEFT JOIN response r ON r.id = t.response_id
           LEFT JOIN invitation i ON i.id = r.invitation_id LEFT JOIN contact_event e ON e.id = i.contact_event_id
          WHERE coalesce(ce.agent_ref, e.agent_ref) = $1
            AND c.registered_at >= ('2026-08-21'::timestamp AT TIME ZONE $2) AND c.registered_at < ('2026-11-19'::timestamp AT TIME ZONE $2)`,
        [row.key, ZONE],
      );
      expect([row.key, row.complaints]).toEqual([row.key, registered[0].n]);
    }
    expect(rows.some((r) => r.complaints > 0)).toBe(true);

    // Teams add their operators up.
    const teams = await expert.get(`/console/people?tab=teams&${PERIOD}`);
    const team = (name: string) =>
      Number(new RegExp(`<tr data-key="${name}">[\\s\\S]*?data-value="(\\d+)"`).exec(teams.text)![1]);
    const { rows: members } = await sql.query(`SELECT agent_ref FROM operator WHERE team = 'Команда А'`);
    const teamA = new Set(members.map((m) => m.agent_ref));
    expect(team('Команда А')).toBe(
      rows.filter((r) => teamA.has(r.key)).reduce((a, r) => a + r.complaints, 0),
    );
  });

  it('shows the QC team’s callback work to an expert, and an agent only their own', async () => {
    const expert = await signedIn('expert');
    const all = await expert.get(`/console/people?tab=qc&${PERIOD}`);
    expect(all.status).toBe(200);
    const ids = [...all.text.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(2);

    const agent = await signedIn('agent');
    const own = await agent.get(`/console/people?tab=operators&${PERIOD}`);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('data-testid="operators"');
    const rows = [...own.text.matchAll(/<tr data-id="([^"]+)">[\s\S]*?data-value="(\d+)"/g)];
    const { rows: me } = await sql.query(`SELECT id FROM staff_user WHERE email = $1`, [
      demo.logins.find((l) => l.role === 'agent')!.email,
    ]);
    expect(rows.map((r) => r[1])).toEqual([me[0].id]);
    const { rows: worked } = await sql.query(
      `SELECT count(DISTINCT task_id)::int AS n FROM callback_attempt
        WHERE agent_id = $1 AND attempted_at >= ('2026-08-21'::timestamp AT TIME ZONE $2)
          AND attempted_at < ('2026-11-19'::timestamp AT TIME ZONE $2)`,
      [me[0].id, ZONE],
    );
    expect(Number(rows[0]![2])).toBe(worked[0].n);
    expect(worked[0].n).toBeGreaterThan(0);
  });

  it('refuses a bad period with 400 and keeps compliance out', async () => {
    const expert = await signedIn('expert');
    expect((await expert.get('/console/people?from=2026-11-18&to=2026-11-01')).status).toBe(400);
    expect((await expert.get('/console/people?tab=qc&from=2020-01-01&to=2026-11-01')).status).toBe(400);
    const compliance = await signedIn('compliance');
    expect((await compliance.get('/console/people')).status).toBe(403);
  });
});
