import { Client } from 'pg';
import { SYSTEM_ACTOR } from '@app/audit';
import { FixedClock } from '@app/core';
import { StaffUserService } from '@app/identity';
import { seedTasks } from '../factories/low-scores';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

// Wednesday 18 November 2026, 12:00 in Moscow; 04:00 in New York.
const NOW = new Date('2026-11-18T09:00:00Z');

describe('the agent’s loop in the console', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let sql: Client;
  let agent: ConsoleClient;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
      email: 'agent@lender.test',
      name: 'Анна',
      role: 'agent',
      password: 'long-enough-password',
    });
    agent = new ConsoleClient(api.baseUrl);
    await agent.signIn('agent@lender.test', 'long-enough-password');
    await seedTasks(api.db.url, 2, { priority: (i) => 10 - i });
  });
  afterAll(async () => {
    await sql.end();
    await api.close();
  });

  const reveals = async () =>
    Number(
      (await sql.query(`SELECT count(*) FROM audit_log WHERE action = 'borrower.contacts_revealed'`)).rows[0]
        .count,
    );

  it('keeps a revealed number shown to its agent while the task is open, audited once', async () => {
    const queue = await agent.get('/console/queue');
    // Russian plurals: "2 открыты", not "2 Открыта".
    expect(queue.text).toContain('<li data-testid="count-open"><b>2</b> открыты</li>');
    const taken = await agent.post('/console/queue/take-next');
    const taskPath = taken.headers.get('location')!.split('?')[0]!;
    const masked = await agent.get(taskPath);
    expect(masked.text).not.toContain('+79990000001');
    await agent.post(`${taskPath}/reveal`);
    const version = /name="version" value="(\d+)"/.exec((await agent.get(taskPath)).text)![1]!;
    const logged = await agent.post(`${taskPath}/attempts`, { version, result: 'no_answer' });
    expect(logged.status).toBe(303);
    const again = await agent.get(taskPath);
    expect(again.text).toContain('href="tel:+79990000001"');
    expect(await reveals()).toBe(1);
  });

  it('shows the borrower’s local time beside the phone, flagged inside quiet hours', async () => {
    const [{ id }] = (await sql.query(`SELECT id FROM callback_task WHERE status = 'in_progress'`)).rows;
    const day = await agent.get(`/console/tasks/${id}`);
    expect(day.text).toMatch(/data-testid="borrower-time"><span class="">12:00<\/span>/);
    await sql.query(
      `UPDATE borrower SET time_zone = 'America/New_York' WHERE id = (SELECT borrower_id FROM callback_task WHERE id = $1)`,
      [id],
    );
    const night = await agent.get(`/console/tasks/${id}`);
    expect(night.text).toMatch(/data-testid="borrower-time"><span class="badge bad">04:00<\/span>/);
  });

  it('logs the call and takes the next task in one step', async () => {
    const [{ id, version }] = (
      await sql.query(`SELECT id, version FROM callback_task WHERE status = 'in_progress'`)
    ).rows;
    // The first try was logged at NOW: another one that does not get through counts ten minutes later.
    clock.set(new Date(NOW.getTime() + 5 * 60_000));
    await agent.get(`/console/tasks/${id}`);
    const early = await agent.post(`/console/tasks/${id}/attempts`, {
      version: String(version),
      result: 'busy',
      note: 'Сбросил, перезвонить после обеда',
    });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Следующий недозвон засчитывается не раньше чем через 10 минут');
    expect(early.text).toContain('data-testid="next-attempt"');
    // The refused call keeps what was typed.
    expect(early.text).toContain('>Сбросил, перезвонить после обеда</textarea>');
    expect(early.text).toContain('value="busy" required checked');
    clock.set(new Date(NOW.getTime() + 15 * 60_000));
    await agent.get(`/console/tasks/${id}`);
    const next = await agent.post(`/console/tasks/${id}/attempts`, {
      version: String(version),
      result: 'busy',
      next: '1',
    });
    expect(next.status).toBe(303);
    const location = next.headers.get('location')!;
    expect(location).toMatch(/^\/console\/tasks\/[0-9a-f-]{36}\?notice=attempt_logged_next$/);
    expect(location).not.toContain(id);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM callback_attempt WHERE task_id = $1`, [
      id,
    ]);
    expect(rows[0].n).toBe(2);
    // A refused attempt (no result) stays on its task and takes nothing.
    const other = location.split('?')[0]!;
    const refused = await agent.post(`${other}/attempts`, { version: '1', result: '', next: '1' });
    expect(refused.status).toBe(422);
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM callback_task WHERE status = 'in_progress'`)).rows[0]
        .n,
    ).toBe(2);
  });

  it('finds a borrower by phone in any spelling or by the start of a name, masked, with the tasks an agent may open; audits the kind, never the text', async () => {
    const byPhone = await agent.get(`/console/search?q=${encodeURIComponent('8 (999) 000-00-01')}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.text).toContain('data-testid="search-borrowers"');
    expect(byPhone.text).toContain('+79•••••••01');
    expect(byPhone.text).not.toContain('+79990000001');
    expect(byPhone.text).toMatch(/href="\/console\/tasks\/[0-9a-f-]{36}"/);
    // Agents do not see the register.
    expect(byPhone.text).not.toContain('data-testid="search-complaints"');
    expect((await agent.get('/console/search?q=seed')).text).toContain('data-testid="search-borrowers"');
    // A LIKE wildcard is a character like any other.
    expect((await agent.get('/console/search?q=%25%25')).text).toContain('data-testid="search-empty"');
    const audited = (
      await sql.query(`SELECT details FROM audit_log WHERE action = 'console.searched' ORDER BY id`)
    ).rows.map((r) => r.details);
    expect(audited[0]).toEqual({ kind: 'phone', results: 1 });
    expect(JSON.stringify(audited)).not.toContain('999');
  });

  it('marks a borrower with no phone in the queue and on the task, and takes an agent from a closed task to the next', async () => {
    await seedTasks(api.db.url, 2, { priority: () => 1 });
    const [emailOnly] = (
      await sql.query(
        `SELECT id, borrower_id FROM callback_task WHERE status = 'open' ORDER BY priority, id LIMIT 1`,
      )
    ).rows;
    // One task's borrower left an email only.
    const { rows: created } = await sql.query(
      `INSERT INTO borrower (external_id, name, email) VALUES ('b-mail-only', 'Мария', 'maria@example.ru') RETURNING id`,
    );
    emailOnly.borrower_id = created[0].id;
    await sql.query(`UPDATE callback_task SET borrower_id = $1 WHERE id = $2`, [
      emailOnly.borrower_id,
      emailOnly.id,
    ]);
    const queue = await agent.get('/console/queue?tab=open');
    const { rows: phoneless } = await sql.query(
      `SELECT count(*)::int AS n FROM callback_task WHERE status = 'open' AND borrower_id = $1`,
      [emailOnly.borrower_id],
    );
    const { rows: open } = await sql.query(
      `SELECT count(*)::int AS n FROM callback_task WHERE status = 'open'`,
    );
    expect(open[0].n).toBeGreaterThan(phoneless[0].n);
    expect(queue.text.match(/data-testid="no-phone"/g)).toHaveLength(phoneless[0].n);
    const taskPage = await agent.get(`/console/tasks/${emailOnly.id}`);
    expect(taskPage.text).toContain('data-testid="no-phone-hint"');

    // Take it, reach the borrower another way, close it: the next task opens, not the closed one.
    clock.set(new Date(NOW.getTime() + 60 * 60_000));
    await agent.signIn('agent@lender.test', 'long-enough-password');
    await sql.query(
      `UPDATE callback_task SET status = 'open', assignee_id = NULL WHERE status = 'in_progress'`,
    );
    await agent.get('/console/queue');
    const taken = await agent.post('/console/queue/take-next');
    const path = taken.headers.get('location')!.split('?')[0]!;
    const version = () => agent.get(path).then((p) => /name="version" value="(\d+)"/.exec(p.text)![1]!);
    await agent.post(`${path}/attempts`, { version: await version(), result: 'reached' });
    const closed = await agent.post(`${path}/close`, { version: await version(), reason: 'not_a_complaint' });
    expect(closed.status).toBe(303);
    const next = closed.headers.get('location')!;
    expect(next).toMatch(/^\/console\/tasks\/[0-9a-f-]{36}\?notice=closed_next$/);
    expect(next).not.toContain(path);
    const { rows } = await sql.query(`SELECT status FROM callback_task WHERE id = $1`, [
      path.split('/').pop(),
    ]);
    expect(rows[0].status).toBe('closed');
  });
});
