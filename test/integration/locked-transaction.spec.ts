import { Client } from 'pg';
import { advisoryLockKey, lockedTransaction } from '@app/database';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('lockedTransaction on PostgreSQL', () => {
  let db: TestDatabase;
  let source: DataSource;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    source = new DataSource({ type: 'postgres', url: db.url, extra: { max: 4 } });
    await source.initialize();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`CREATE TABLE lock_probe (n int)`);
  });
  afterAll(async () => {
    await sql.end();
    await source.destroy();
    await db.drop();
  });

  const heldLocks = async () =>
    (
      await sql.query(`SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
    ).rows[0].n as number;

  it('holds its advisory locks until commit, then releases them and keeps the work', async () => {
    const keys = [
      advisoryLockKey('thing', 'a'),
      advisoryLockKey('thing', 'b'),
      advisoryLockKey('thing', 'a'),
    ];
    const inside = await lockedTransaction(source, keys, async (manager) => {
      await manager.query(`INSERT INTO lock_probe VALUES (1)`);
      return heldLocks();
    });
    expect(inside).toBe(2);
    expect(await heldLocks()).toBe(0);
    expect((await sql.query(`SELECT count(*)::int AS n FROM lock_probe WHERE n = 1`)).rows[0].n).toBe(1);
  });

  it('rolls back and releases the locks and the connection when the work fails', async () => {
    await expect(
      lockedTransaction(source, [advisoryLockKey('thing', 'c')], async (manager) => {
        await manager.query(`INSERT INTO lock_probe VALUES (2)`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await heldLocks()).toBe(0);
    expect((await sql.query(`SELECT count(*)::int AS n FROM lock_probe WHERE n = 2`)).rows[0].n).toBe(0);
    // Every pooled connection is usable again: no transaction left open on any of them.
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => lockedTransaction(source, [], (m) => m.query(`SELECT 1 AS one`))),
    );
    expect(answers.flat()).toEqual(Array(8).fill({ one: 1 }));
  });

  it('serialises transactions on a shared key, and overlapping key sets do not deadlock', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => advisoryLockKey('thing', id)) as [bigint, bigint, bigint];
    const order: string[] = [];
    const run = (name: string, keys: bigint[]) =>
      lockedTransaction(source, keys, async (manager) => {
        order.push(`${name} in`);
        await manager.query(`SELECT pg_sleep(0.05)`);
        order.push(`${name} out`);
      });
    // The same sets in opposite orders: taken in ascending key order, so neither waits on the other in a cycle.
    await Promise.all([run('one', [a, b, c]), run('two', [c, b, a]), run('three', [b, a])]);
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]!.replace(' in', ' out'));
  });
});
