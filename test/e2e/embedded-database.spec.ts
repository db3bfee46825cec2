import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase, startEmbeddedPostgres, withDatabaseName } from '@app/database';

/** A pid no process has any more: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function running(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('the embedded database', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'resonance-embedded-'));
    chmodSync(dataDir, 0o755);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the app as an ordinary role that owns its tables, including those an earlier version made as the superuser', async () => {
    const server = await startEmbeddedPostgres({ dataDir, durable: false });
    const superuser = new Client({ connectionString: server.url });
    await superuser.connect();
    await superuser.query(`CREATE DATABASE resonance`);
    await superuser.end();
    const legacy = new Client({ connectionString: withDatabaseName(server.url, 'resonance') });
    await legacy.connect();
    await legacy.query(`CREATE TABLE legacy_note (id int)`);
    await legacy.end();

    const runtime = await openDatabase({ databaseUrl: null, dataDir });
    const app = new Client({ connectionString: runtime.url });
    await app.connect();
    try {
      const { rows } = await app.query(
        `SELECT current_user AS who, r.rolsuper, r.rolcreatedb, r.rolcreaterole,
                (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'legacy_note') AS legacy_owner,
                (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'complaint') AS complaint_owner
           FROM pg_roles r WHERE r.rolname = current_user`,
      );
      expect(rows[0]).toEqual({
        who: 'resonance',
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        legacy_owner: 'resonance',
        complaint_owner: 'resonance',
      });
      // What only a superuser can do: switch every trigger off for a session.
      await expect(app.query(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`TRUNCATE complaint CASCADE`)).rejects.toThrow(/never deleted/);
    } finally {
      await app.end();
      await runtime.stop();
      await server.stop();
    }
  });

  it('adopts a server whose starter was killed, and stops it on exit; a live starter keeps its own', async () => {
    const first = await startEmbeddedPostgres({ dataDir, durable: false });
    expect(first.owned).toBe(true);
    const beside = await startEmbeddedPostgres({ dataDir, durable: false });
    expect(beside.owned).toBe(false);
    await beside.stop();
    expect(await running(first.url)).toBe(true);

    // The starter is killed with -9: its owner file names a process that is gone.
    writeFileSync(join(dataDir, 'postgres.owner'), `${deadPid()}\n`);
    const next = await startEmbeddedPostgres({ dataDir, durable: false });
    expect(next.owned).toBe(true);
    await next.stop();
    expect(await running(first.url)).toBe(false);
  });
});
