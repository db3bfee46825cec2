import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../support/http';
import { cleanEnv, PROJECT_ROOT, spawnProcess, Spawned } from '../support/process';

/**
 * Boots the product exactly as a newcomer does: `npm start` with no DATABASE_URL, so the embedded
 * PostgreSQL is created under DATA_DIR, migrated, seeded with demo data and served.
 */
describe('npm start on the embedded default', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'resonance-start-')), 'data');
  chmodSync(join(dataDir, '..'), 0o755);
  const env = cleanEnv({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
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
