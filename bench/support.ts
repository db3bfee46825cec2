import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import {
  EmbeddedPostgres,
  freePort,
  runMigrations,
  startEmbeddedPostgres,
  withDatabaseName,
} from '@app/database';

export const ROOT = join(__dirname, '..', '..');
export const APP_SECRET = 'bench-app-secret-0123456789abcdefghijklmnopq';
const run = promisify(execFile);

export interface Measurement {
  /** Per-round values (e.g. requests per second) */
  rounds: number[];
  unit: string;
  extra?: Record<string, number | string>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A throwaway PostgreSQL with durable settings (fsync, synchronous_commit on): numbers must mean something. */
export class BenchDatabase {
  private constructor(
    readonly server: EmbeddedPostgres,
    private readonly dir: string,
  ) {}

  static async start(): Promise<BenchDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'resonance-bench-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: dir,
      durable: true,
      settings: { shared_buffers: '256MB', max_connections: 300 },
    });
    return new BenchDatabase(server, dir);
  }

  /** A fresh, migrated database for one scenario. */
  async create(name: string): Promise<string> {
    const admin = new Client({ connectionString: this.server.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabaseName(this.server.url, name);
    await runMigrations(url);
    return url;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function sql(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Runs a compiled entry point of Resonance as its own process, as production does. */
export async function startProcess(
  entry: 'api' | 'worker',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; baseUrl: string | null; stop(): Promise<void> }> {
  const port = await freePort();
  // BENCH_PROFILE=dir: every Resonance process writes a V8 CPU profile there (profile first, then optimise).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, 'dist', 'apps', entry, 'src', 'main.js')], {
    env: { ...process.env, APP_SECRET, LOG_LEVEL: 'warn', RUN_WORKER: 'false', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const baseUrl = entry === 'api' ? `http://127.0.0.1:${port}` : null;
  if (baseUrl) {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${baseUrl}/health/ready`)).ok) break;
      } catch {
        // not up yet
      }
      if (child.exitCode !== null || i > 300) throw new Error(`api did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } else {
    await new Promise((r) => setTimeout(r, 1500));
  }
  return {
    child,
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function createApiKey(url: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'),
      'api-key:create',
      '--name',
      'bench',
      '--scopes',
      'events:write,surveys:in_app,tasks:read,complaints:read,complaints:export,metrics:read,responses:read,counts:write,campaigns:write',
    ],
    {
      env: { ...process.env, DATABASE_URL: url, APP_SECRET },
    },
  );
  return stdout.trim().split('\n').pop()!;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** HTTP load from autocannon (its own process would be ideal; this process is not the server's). */
export async function load(options: {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  body: () => string;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: options.body() }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** pgbench running a script at a client count; returns transactions per second. */
export async function pgbench(
  url: string,
  script: string,
  clients: number,
  seconds: number,
): Promise<number | null> {
  const file = join(tmpdir(), `resonance-bench-${process.pid}.sql`);
  writeFileSync(file, script);
  const u = new URL(url);
  try {
    const { stdout } = await run(
      'pgbench',
      [
        '-n',
        '-c',
        String(clients),
        '-j',
        String(Math.min(clients, 2)),
        '-T',
        String(seconds),
        '-f',
        file,
        '-h',
        u.hostname,
        '-p',
        u.port,
        '-U',
        decodeURIComponent(u.username),
        u.pathname.slice(1),
      ],
      { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
    );
    const match = /tps = ([\d.]+)/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  } finally {
    rmSync(file, { force: true });
  }
}
