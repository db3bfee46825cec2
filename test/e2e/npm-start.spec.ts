import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invitationToken } from '@app/surveys';
import { ConsoleClient } from '../support/console-client';
import { daytimeZone } from '../support/daytime';
import { request } from '../support/http';
import { cleanEnv, PROJECT_ROOT, spawnProcess, Spawned } from '../support/process';

/**
 * Boots the product exactly as a newcomer does: `npm start` with no DATABASE_URL, so the embedded
 * PostgreSQL is created under DATA_DIR, migrated, seeded with demo data and served.
 */
jest.setTimeout(120_000);

describe('npm start on the embedded default', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'resonance-start-')), 'data');
  chmodSync(join(dataDir, '..'), 0o755);
  // Debug logs: the canary test below reads everything the server logged.
  const env = cleanEnv({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'debug' });
  let running: Spawned | null = null;

  async function start(): Promise<{ baseUrl: string; apiKey: string; banner: string }> {
    running = spawnProcess('npm', ['start', '--silent'], env);
    const [, baseUrl] = await running.waitFor(/API docs\s+(http:\/\/localhost:\d+)\/api\/docs/);
    const [, apiKey] = await running.waitFor(/Demo API key \(all scopes\):\s+(rsn_\S+)/);
    return { baseUrl: baseUrl!, apiKey: apiKey!, banner: running.output() };
  }

  /** SIGTERM to npm and node; resolves with what node printed while stopping. */
  async function stop(): Promise<string> {
    const proc = running!;
    const before = proc.output().length;
    proc.signal('SIGTERM');
    await proc.groupExited();
    running = null;
    return proc.output().slice(before);
  }

  afterAll(async () => {
    if (running) await stop();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('serves health, API docs and prints demo logins and a working demo API key', async () => {
    const { baseUrl, apiKey, banner } = await start();
    expect(banner).toContain(`${baseUrl}/console`);
    for (const role of ['agent', 'expert', 'compliance', 'admin'])
      expect(banner).toContain(`${role}@demo.resonance.example`);

    const ready = await request(`${baseUrl}/health/ready`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect((await fetch(`${baseUrl}/api/docs`)).status).toBe(200);
    const me = await request(`${baseUrl}/api/v1/api-keys/current`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(me).toMatchObject({ status: 200, body: { name: 'Demo integration' } });
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });

  it('signs in to the console with a printed demo login; the queue and dashboard show ninety days of demo history', async () => {
    const banner = running!.output();
    const baseUrl = /Staff console\s+(http:\/\/localhost:\d+)\/console/.exec(banner)![1]!;
    const [, email, password] = /agent\s+(agent@demo\.resonance\.example)\s+(\S+)/.exec(banner)!;
    const agent = new ConsoleClient(baseUrl);
    expect(await agent.signIn(email!, password!)).toEqual({ status: 303, location: '/console/queue' });
    const queue = await agent.get('/console/queue?tab=open');
    expect(queue.status).toBe(200);
    // Borrowers by name, never by their codes.
    expect(queue.text).toMatch(/href="\/console\/tasks\/[0-9a-f-]{36}" translate="no">[А-ЯЁ][а-яё]+ [А-ЯЁ]/);
    expect(queue.text).not.toMatch(/demo-b-\d{4}/);
    const [, expertEmail, expertPassword] = /expert\s+(expert@demo\.resonance\.example)\s+(\S+)/.exec(
      banner,
    )!;
    const expert = new ConsoleClient(baseUrl);
    await expert.signIn(expertEmail!, expertPassword!);
    const dashboard = await expert.get('/console/dashboard');
    expect(dashboard.status).toBe(200);
    expect(/data-testid="kpi-csi">\s*<b data-value="([^"]+)"/.exec(dashboard.text)![1]).toMatch(
      /^\d\.\d{1,2}$/,
    );
  });

  it('runs the worker in the same process: a contact event is surveyed through the Outbox at once', async () => {
    const { baseUrl, apiKey } = await running!
      .waitFor(
        /API docs\s+(http:\/\/localhost:\d+)\/api\/docs[\s\S]*Demo API key \(all scopes\):\s+(rsn_\S+)/,
      )
      .then((m) => ({
        baseUrl: m[1]!,
        apiKey: m[2]!,
      }));
    // A zone where it is daytime now, so quiet hours do not hold the SMS back.
    const timeZone = daytimeZone();
    const headers = { authorization: `Bearer ${apiKey}` };
    const occurredAt = new Date(Date.now() - 3600_000).toISOString();
    const posted = await request<{ invitation: { id: string; channel: string } }>(
      `${baseUrl}/api/v1/contact-events`,
      {
        method: 'POST',
        headers,
        json: {
          externalId: `start-${Date.now()}`,
          occurredAt,
          touchpoint: 'call',
          borrower: { externalId: `start-b-${Date.now()}`, phone: '+79990001122', timeZone },
        },
      },
    );
    expect(posted.status).toBe(202);
    expect(posted.body.invitation.channel).toBe('sms');
    let status = '';
    for (let i = 0; i < 100 && status !== 'sent'; i++) {
      status = (
        await request<{ status: string }>(`${baseUrl}/api/v1/invitations/${posted.body.invitation.id}`, {
          headers,
        })
      ).body.status;
      if (status !== 'sent') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('sent');
  });

  it('never logs personal data, survey tokens or API keys through the whole loop (canary run)', async () => {
    const { baseUrl, apiKey } = await running!
      .waitFor(
        /API docs\s+(http:\/\/localhost:\d+)\/api\/docs[\s\S]*Demo API key \(all scopes\):\s+(rsn_\S+)/,
      )
      .then((m) => ({
        baseUrl: m[1]!,
        apiKey: m[2]!,
      }));
    const canary = {
      phone: '+79997654321',
      email: 'canary.7f3a@example.ru',
      name: 'Канарейкина',
      comment: 'канарейка-7f3a грубили в чате',
    };
    const headers = { authorization: `Bearer ${apiKey}` };
    const posted = await request<{ invitation: { id: string } }>(`${baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      headers,
      json: {
        externalId: `canary-${Date.now()}`,
        occurredAt: new Date(Date.now() - 3600_000).toISOString(),
        touchpoint: 'chat',
        preferredChannel: 'in_app',
        borrower: {
          externalId: 'canary-borrower',
          name: canary.name,
          phone: canary.phone,
          email: canary.email,
          locale: 'ru',
        },
      },
    });
    const id = posted.body.invitation.id;
    for (let i = 0; i < 100; i++) {
      if (
        (await request<{ status: string }>(`${baseUrl}/api/v1/invitations/${id}`, { headers })).body
          .status === 'sent'
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answered = await request(`${baseUrl}/api/v1/invitations/${id}/response`, {
      method: 'POST',
      headers,
      json: { answers: { satisfaction: 1 }, comment: canary.comment },
    });
    expect(answered.status).toBe(201);
    // The survey link of this invitation, derived as the server derives it, through the page.
    const secret = readFileSync(join(dataDir, 'app-secret'), 'utf8').trim();
    const token = invitationToken(secret, id);
    expect((await fetch(`${baseUrl}/s/${token}`)).status).toBe(200);
    await request(`${baseUrl}/api/v1/contact-events`, {
      method: 'POST',
      headers,
      json: { externalId: 'bad', borrower: { phone: canary.phone, email: canary.email } },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // The log lines (JSON), not the banner, which prints the demo key on purpose.
    const logs = running!
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .join('\n');
    expect(logs).toContain('request completed'); // request logging was on
    expect(logs).toContain('/s/:token'); // the page request was logged, with its token masked
    for (const secretValue of [
      canary.phone,
      canary.phone.slice(1),
      canary.email,
      canary.name,
      'канарейка-7f3a',
      token,
      apiKey,
      apiKey.slice(4),
    ]) {
      expect(logs).not.toContain(secretValue);
    }
  });

  let cliKey = '';
  it('lets the CLI create an API key against the running instance, printing the secret on the last line', () => {
    const stdout = execFileSync(
      'npm',
      [
        'run',
        '--silent',
        'cli',
        '--',
        'api-key:create',
        '--name',
        'CRM',
        '--scopes',
        'events:write,tasks:read',
      ],
      {
        cwd: PROJECT_ROOT,
        env,
        encoding: 'utf8',
      },
    );
    const lines = stdout.trim().split('\n');
    cliKey = lines[lines.length - 1]!;
    expect(cliKey).toMatch(/^rsn_[A-Za-z0-9_-]{43}$/);
  });

  it('refuses bad CLI input with a message and exit code 2, writing nothing', () => {
    const run = (args: string[]) => {
      try {
        execFileSync('npm', ['run', '--silent', 'cli', '--', ...args], {
          cwd: PROJECT_ROOT,
          env,
          encoding: 'utf8',
          stdio: 'pipe',
        });
        return { status: 0, stderr: '' };
      } catch (error) {
        const e = error as { status: number; stderr: string };
        return { status: e.status, stderr: e.stderr };
      }
    };
    expect(run(['api-key:create', '--name', 'x', '--scopes', 'root:all'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('scopes'),
    });
    expect(run(['api-key:create', '--name', 'x'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--scopes'),
    });
    expect(
      run([
        'user:create',
        '--email',
        'a@b.c\r\nBcc: x@y.z',
        '--name',
        'A',
        '--role',
        'agent',
        '--password',
        'long-enough-pass',
      ]),
    ).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('email'),
    });
    expect(run(['no-such-command'])).toMatchObject({ status: 2, stderr: expect.stringContaining('Usage') });
  });

  it('exports the complaint register from the CLI to a file, refusing to overwrite one', () => {
    const out = join(dataDir, '..', 'register.csv');
    const args = [
      'run',
      '--silent',
      'cli',
      '--',
      'register:export',
      '--from',
      '2026-01-01',
      '--to',
      '2026-12-31',
      '--format',
      'csv',
      '--out',
      out,
    ];
    const stdout = execFileSync('npm', args, { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    // The demo history's complaints, one line each after the header.
    const exported = Number(/Exported (\d+) complaints/.exec(stdout)![1]);
    expect(exported).toBeGreaterThan(10);
    const csv = readFileSync(out, 'utf8');
    expect(csv).toMatch(/^\uFEFFregister_no,registered_at,received_via,/);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(exported + 1);
    let status = 0;
    try {
      execFileSync('npm', args, { cwd: PROJECT_ROOT, env, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(2);
  });

  it('stops cleanly on SIGTERM, stopping the embedded database too', async () => {
    expect(await stop()).not.toMatch(/error/i);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  it('keeps the data across a restart on the same DATA_DIR', async () => {
    const { baseUrl, apiKey } = await start();
    const withCliKey = await request(`${baseUrl}/api/v1/api-keys/current`, {
      headers: { authorization: `Bearer ${cliKey}` },
    });
    expect(withCliKey).toMatchObject({
      status: 200,
      body: { name: 'CRM', scopes: ['events:write', 'tasks:read'] },
    });
    const withDemoKey = await request(`${baseUrl}/api/v1/api-keys/current`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(withDemoKey.status).toBe(200);
    expect(await stop()).not.toMatch(/error/i);
  });

  it('stops at start-up with a message naming a bad variable', async () => {
    const bad = spawnProcess('npm', ['start', '--silent'], { ...env, PORT: 'eighty' });
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toContain('PORT');
  });
});
