import { Client } from 'pg';
import { SYSTEM_ACTOR, StaffRole } from '@app/audit';
import { FixedClock } from '@app/core';
import { PAIR_FAILURES, StaffUserService } from '@app/identity';
import { seedTasks } from '../factories/low-scores';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

const PASSWORD = 'correct horse battery';
const ROLES: StaffRole[] = ['agent', 'expert', 'compliance', 'admin'];

describe('console sign-in, sessions and access', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  let api: RunningApi;
  let sql: Client;
  const ids = {} as Record<StaffRole | 'agent2', string>;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    const users = api.app.get(StaffUserService);
    for (const role of ROLES)
      ids[role] = (
        await users.create(SYSTEM_ACTOR, {
          email: `${role}@lender.test`,
          name: `The ${role}`,
          role,
          password: PASSWORD,
        })
      ).id;
    ids.agent2 = (
      await users.create(SYSTEM_ACTOR, {
        email: 'agent2@lender.test',
        name: 'Other agent',
        role: 'agent',
        password: PASSWORD,
      })
    ).id;
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });
  beforeEach(async () => {
    clock.set(new Date('2026-11-18T09:00:00Z'));
    await sql.query('DELETE FROM sign_in_throttle');
  });

  async function signedIn(role: StaffRole | 'agent2'): Promise<ConsoleClient> {
    const client = new ConsoleClient(api.baseUrl);
    const result = await client.signIn(`${role}@lender.test`, PASSWORD);
    expect(result.status).toBe(303);
    return client;
  }

  it('signs in with a fresh HttpOnly, SameSite=Lax session cookie and lands on the role home page', async () => {
    const client = new ConsoleClient(api.baseUrl);
    await client.get('/console/login');
    const response = await fetch(`${api.baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: new URLSearchParams({
        _csrf: client.csrf,
        email: 'Compliance@Lender.test ',
        password: PASSWORD,
      }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/complaints');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('resonance_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // served from localhost in this test
    const { rows } = await sql.query(`SELECT token_hash FROM staff_session WHERE user_id = $1`, [
      ids.compliance,
    ]);
    const token = /^resonance_session=([^;]+)/.exec(cookie)![1]!;
    expect(rows.some((r: { token_hash: Buffer }) => r.token_hash.length === 32)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token); // only the hash is stored
  });

  it('refuses a wrong password with 401 and the same answer for an unknown email', async () => {
    const client = new ConsoleClient(api.baseUrl);
    await client.get('/console/login');
    const wrong = await client.post('/console/login', {
      email: 'agent@lender.test',
      password: 'nope nope nope',
    });
    const unknown = await client.post('/console/login', {
      email: 'nobody@lender.test',
      password: 'nope nope nope',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('The email or password is wrong.');
    expect(client.cookies.has('resonance_session')).toBe(false);
  });

  it('refuses a sign-in form without its form token (login CSRF) with 403', async () => {
    const client = new ConsoleClient(api.baseUrl);
    await client.get('/console/login');
    const response = await client.post('/console/login', {
      _csrf: null,
      email: 'agent@lender.test',
      password: PASSWORD,
    });
    expect(response.status).toBe(403);
    expect(client.cookies.has('resonance_session')).toBe(false);
  });

  it('throttles an email after repeated failures from one address without locking the user out elsewhere', async () => {
    const client = new ConsoleClient(api.baseUrl);
    await client.get('/console/login');
    for (let i = 0; i < PAIR_FAILURES; i++)
      expect(
        (await client.post('/console/login', { email: 'expert@lender.test', password: `wrong ${i} guess` }))
          .status,
      ).toBe(401);
    const blocked = await client.post('/console/login', { email: 'expert@lender.test', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address still signs in, and the throttle keys are hashes, not emails.
    expect(
      (await client.post('/console/login', { email: 'admin@lender.test', password: PASSWORD })).status,
    ).toBe(303);
    const { rows } = await sql.query(`SELECT key FROM sign_in_throttle`);
    expect(JSON.stringify(rows)).not.toContain('expert');
    // After the window the expert gets in again.
    clock.advance(16 * 60_000);
    expect((await new ConsoleClient(api.baseUrl).signIn('expert@lender.test', PASSWORD)).status).toBe(303);
  });

  it("ends a disabled user's sessions for good: re-enabling does not bring the old cookie back", async () => {
    const agent = await signedIn('agent2');
    expect((await agent.get('/console/queue')).status).toBe(200);
    const admin = await signedIn('admin');
    await admin.get('/console/admin');
    expect((await admin.post(`/console/admin/users/${ids.agent2}`, { action: 'disable' })).status).toBe(303);
    expect((await agent.get('/console/queue')).status).toBe(303);
    await admin.get('/console/admin');
    expect((await admin.post(`/console/admin/users/${ids.agent2}`, { action: 'enable' })).status).toBe(303);
    expect((await agent.get('/console/queue')).status).toBe(303);
    const live = await sql.query(
      `SELECT count(*)::int AS n FROM staff_session WHERE user_id = $1 AND revoked_at IS NULL`,
      [ids.agent2],
    );
    expect(live.rows[0].n).toBe(0);
    expect((await signedIn('agent2').then((c) => c.get('/console/queue'))).status).toBe(200);
  });

  it('holds the sign-in limit when twenty attempts arrive at once (each is counted before its password is checked)', async () => {
    const client = new ConsoleClient(api.baseUrl);
    await client.get('/console/login');
    const passwords = [...Array.from({ length: 19 }, (_, i) => `wrong ${i} guess`), PASSWORD];
    const results = await Promise.all(
      passwords.map((password) => client.post('/console/login', { email: 'expert@lender.test', password })),
    );
    const statuses = results.map((r) => r.status);
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.length).toBeLessThanOrEqual(PAIR_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(passwords.length - checked.length);
    expect(checked.every((s) => s === 401 || s === 303)).toBe(true);
    const sessions = await sql.query(
      `SELECT count(*)::int AS n FROM staff_session WHERE user_id = $1 AND created_at = $2`,
      [ids.expert, clock.now()],
    );
    expect(sessions.rows[0].n).toBe(statuses.filter((s) => s === 303).length);
  });

  it('starts a new session on sign-in: a planted session id is never adopted (fixation)', async () => {
    const attacker = await signedIn('agent2');
    const planted = attacker.cookies.get('resonance_session')!;
    const victim = new ConsoleClient(api.baseUrl);
    await victim.get('/console/login');
    victim.cookies.set('resonance_session', planted);
    expect(
      (await victim.post('/console/login', { email: 'agent@lender.test', password: PASSWORD })).status,
    ).toBe(303);
    expect(victim.cookies.get('resonance_session')).not.toBe(planted);
    // The session presented at sign-in ended there; the victim works in their own.
    expect((await attacker.get('/console/queue')).status).toBe(303);
    const queue = await victim.get('/console/queue');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('The agent');
    // A made-up id is simply not a session.
    const forged = new ConsoleClient(api.baseUrl);
    forged.cookies.set('resonance_session', 'x'.repeat(43));
    expect((await forged.get('/console/queue')).status).toBe(303);
  });

  it.each([
    ['//evil.example/console', '/console/queue'],
    ['https://evil.example/console', '/console/queue'],
    ['/\\evil.example', '/console/queue'],
    ['/console/dashboard', '/console/dashboard'],
    ['/console/tasks?tab=open', '/console/tasks?tab=open'],
  ])('after sign-in follows next=%s only to a same-origin console path', async (next, expected) => {
    const client = new ConsoleClient(api.baseUrl);
    const result = await client.signIn('agent@lender.test', PASSWORD, next);
    expect(result.location).toBe(expected);
  });

  it('ends a session after 30 idle minutes and after 12 hours however active', async () => {
    const idle = await signedIn('agent');
    clock.advance(29 * 60_000);
    expect((await idle.get('/console/queue')).status).toBe(200);
    clock.advance(31 * 60_000);
    const expired = await idle.get('/console/queue');
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fqueue');

    clock.set(new Date('2026-11-18T09:00:00Z'));
    const busy = await signedIn('agent');
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      clock.advance(20 * 60_000);
      expect((await busy.get('/console/queue')).status).toBe(200);
    }
    clock.advance(40 * 60_000);
    expect((await busy.get('/console/queue')).status).toBe(303);
  });

  it('signs out here, or everywhere', async () => {
    const laptop = await signedIn('expert');
    const phone = await signedIn('expert');
    await laptop.get('/console/queue');
    expect((await laptop.post('/console/logout')).status).toBe(303);
    expect((await laptop.get('/console/queue')).status).toBe(303);
    expect((await phone.get('/console/queue')).status).toBe(200);
    const desk = await signedIn('expert');
    await desk.get('/console/queue');
    expect((await desk.post('/console/logout-everywhere')).status).toBe(303);
    expect((await phone.get('/console/queue')).status).toBe(303);
  });

  it('refuses a state change without the CSRF token, or with another session’s, with 403 and changes nothing', async () => {
    const [taskId] = await seedTasks(api.db.url, 1);
    const agent = await signedIn('agent');
    const other = await signedIn('agent2');
    await agent.get('/console/queue');
    await other.get('/console/queue');
    expect((await agent.post('/console/queue/take-next', { _csrf: null })).status).toBe(403);
    expect((await agent.post('/console/queue/take-next', { _csrf: other.csrf })).status).toBe(403);
    const { rows } = await sql.query(`SELECT status FROM callback_task WHERE id = $1`, [taskId]);
    expect(rows[0].status).toBe('open');
    const taken = await agent.post('/console/queue/take-next');
    expect(taken.status).toBe(303);
    expect(taken.headers.get('location')).toBe(`/console/tasks/${taskId}?notice=taken`);
  });

  it('shows an agent only open tasks and their own: another agent’s task is not found', async () => {
    const [mine] = await seedTasks(api.db.url, 1, { assigneeId: ids.agent });
    const [theirs] = await seedTasks(api.db.url, 1, { assigneeId: ids.agent2 });
    const agent = await signedIn('agent');
    expect((await agent.get(`/console/tasks/${mine}`)).status).toBe(200);
    expect((await agent.get(`/console/tasks/${theirs}`)).status).toBe(404);
    expect((await agent.post(`/console/tasks/${theirs}/reveal`)).status).toBe(404);
    expect((await agent.get('/console/tasks/not-a-uuid')).status).toBe(404);
    const expert = await signedIn('expert');
    expect((await expert.get(`/console/tasks/${theirs}`)).status).toBe(200);
  });

  it('reveals a borrower’s full phone only on request, and audits who saw it', async () => {
    const [taskId] = await seedTasks(api.db.url, 1, { assigneeId: ids.agent });
    const agent = await signedIn('agent');
    const page = await agent.get(`/console/tasks/${taskId}`);
    expect(page.text).not.toContain('+79990000001');
    expect(page.text).toContain('+79•••••••01');
    const revealed = await agent.post(`/console/tasks/${taskId}/reveal`);
    expect(revealed.text).toContain('+79990000001');
    const { rows } = await sql.query(
      `SELECT actor_id FROM audit_log WHERE action = 'borrower.contacts_revealed' AND details->>'taskId' = $1`,
      [taskId],
    );
    expect(rows).toEqual([{ actor_id: ids.agent }]);
  });

  it('ignores a role smuggled into the preferences form (mass assignment)', async () => {
    const agent = await signedIn('agent');
    await agent.get('/console/queue');
    await agent.post('/console/preferences', { locale: 'ru', timeZone: 'Asia/Novosibirsk', role: 'admin' });
    const { rows } = await sql.query(`SELECT role, locale, time_zone FROM staff_user WHERE id = $1`, [
      ids.agent,
    ]);
    expect(rows[0]).toEqual({ role: 'agent', locale: 'ru', time_zone: 'Asia/Novosibirsk' });
    await sql.query(`UPDATE staff_user SET locale = 'en', time_zone = 'Europe/Moscow' WHERE id = $1`, [
      ids.agent,
    ]);
  });

  it('lets a compliance or admin session export the register, and refuses other roles', async () => {
    const path = '/api/v1/complaints/register?from=2026-11-01&to=2026-11-30&format=csv';
    for (const role of ROLES) {
      const client = await signedIn(role);
      const response = await client.get(path);
      expect([role, response.status]).toEqual([role, role === 'compliance' || role === 'admin' ? 200 : 403]);
    }
    expect((await new ConsoleClient(api.baseUrl).get(path)).status).toBe(401);
  });

  /** The intended matrix: which roles open each console page (403 for the others; no session → sign-in page). */
  const MATRIX: [string, StaffRole[]][] = [
    ['/console/queue', ['agent', 'expert', 'admin']],
    ['/console/complaints', ['expert', 'compliance', 'admin']],
    ['/console/dashboard', ['expert', 'compliance', 'admin']],
    ['/console/audit', ['compliance', 'admin']],
    ['/console/outbox', ['expert', 'admin']],
    ['/console/admin', ['admin']],
    ['/console/admin/api-keys', ['admin']],
    ['/console/admin/surveys', ['admin']],
    ['/console/admin/surveys/csi_service', ['admin']],
    ['/console/admin/webhooks', ['admin']],
    ['/console/admin/calendar', ['admin']],
    ['/console/admin/policy', ['admin']],
    ['/console/profile', ['agent', 'expert', 'compliance', 'admin']],
  ];

  it('holds the route × role matrix on every console page', async () => {
    const clients = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await signedIn(r)] as const)),
    );
    const anonymous = new ConsoleClient(api.baseUrl);
    const seen: string[] = [];
    const expected: string[] = [];
    for (const [path, allowed] of MATRIX) {
      for (const role of ROLES) {
        seen.push(`${path} ${role} ${(await clients[role]!.get(path)).status}`);
        expected.push(`${path} ${role} ${allowed.includes(role) ? 200 : 403}`);
      }
      const response = await anonymous.get(path);
      seen.push(`${path} - ${response.status} ${response.headers.get('location')}`);
      expected.push(`${path} - 303 /console/login?next=${encodeURIComponent(path)}`);
    }
    expect(seen).toEqual(expected);
  });

  it('refuses admin actions to other roles even with a valid CSRF token', async () => {
    const expert = await signedIn('expert');
    await expert.get('/console/queue');
    const response = await expert.post('/console/admin/api-keys', { name: 'sneaky', scopes: 'events:write' });
    expect(response.status).toBe(403);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM api_key WHERE name = 'sneaky'`);
    expect(rows[0].n).toBe(0);
  });

  it('lets an admin change the contact policy, refusing a window that ends before it starts', async () => {
    const admin = await signedIn('admin');
    await admin.get('/console/admin/policy');
    const form = {
      capDays: '14',
      touchpoints: 'call, chat, repayment',
      workdayStart: '09:00',
      workdayEnd: '21:00',
      dayOffStart: '10:00',
      dayOffEnd: '18:00',
      maxSendAttempts: '5',
    };
    const refused = await admin.post('/console/admin/policy', { ...form, dayOffEnd: '09:30' });
    expect(refused.status).toBe(422);
    // The field by its label and the rule in the reader's language (the user reads Russian).
    expect(refused.text).toContain('Тихие часы в выходные');
    expect(refused.text).toContain('время ЧЧ:ММ и более позднее ЧЧ:ММ');
    expect(refused.text).toContain('value="09:30"');
    let { rows } = await sql.query(`SELECT cap_days FROM contact_policy`);
    expect(rows[0].cap_days).toBe(7);
    expect((await admin.post('/console/admin/policy', form)).status).toBe(303);
    ({ rows } = await sql.query(
      `SELECT cap_days, touchpoints, to_char(quiet_dayoff_end, 'HH24:MI') AS end, max_send_attempts FROM contact_policy`,
    ));
    expect(rows[0]).toEqual({
      cap_days: 14,
      touchpoints: ['call', 'chat', 'repayment'],
      end: '18:00',
      max_send_attempts: 5,
    });
    const audit = await sql.query(`SELECT actor_id FROM audit_log WHERE action = 'contact_policy.changed'`);
    expect(audit.rows).toEqual([{ actor_id: ids.admin }]);
    await sql.query(
      `UPDATE contact_policy SET cap_days = 7, touchpoints = ARRAY['call', 'chat', 'email', 'loan_issued', 'repayment', 'collection'],
              quiet_workday_start = '08:00', quiet_workday_end = '22:00', quiet_dayoff_start = '09:00', quiet_dayoff_end = '20:00', max_send_attempts = 6`,
    );
  });

  it('keeps a user’s language and time zone from the profile page and goes back to where they were', async () => {
    const expert = await signedIn('expert');
    await expert.get('/console/profile');
    const saved = await expert.post('/console/preferences', { locale: 'ru', timeZone: 'Asia/Vladivostok' });
    expect(saved.headers.get('location')).toBe('/console/queue'); // no Referer: home
    const profile = await expert.get('/console/profile');
    expect(profile.text).toContain('<option value="Asia/Vladivostok" selected>');
    expect(profile.text).toContain('Мой профиль');
    expect(
      (await expert.post('/console/preferences', { locale: 'en', timeZone: 'Mars/Olympus' })).status,
    ).toBe(303);
    const { rows } = await sql.query(`SELECT locale, time_zone FROM staff_user WHERE id = $1`, [ids.expert]);
    expect(rows[0]).toEqual({ locale: 'en', time_zone: 'Asia/Vladivostok' }); // an unknown zone is ignored
  });

  it('serves console pages with a strict CSP, no caching and no framing', async () => {
    const client = await signedIn('admin');
    const page = await client.get('/console/dashboard');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});
