import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

/** A transaction-scoped advisory lock key for an id within a kind of thing (64 bits of its SHA-256). */
export function advisoryLockKey(kind: string, id: string): bigint {
  return createHash('sha256').update(kind).update('\0').update(id).digest().readBigInt64BE(0);
}

/**
 * A READ COMMITTED transaction that opens holding the given advisory locks, in one round trip: BEGIN
 * and the locks go as one simple-protocol request (the keys are our own integers, never input text).
 * Keys are taken in ascending order, so two transactions locking overlapping sets cannot deadlock.
 * Every statement of `work` runs after the locks are held, so each sees what their previous holders
 * committed.
 */
export async function lockedTransaction<T>(
  db: DataSource,
  keys: bigint[],
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const runner = db.createQueryRunner();
  try {
    await runner.connect();
    try {
      await runner.query(
        sorted.length === 0
          ? 'BEGIN'
          : `BEGIN; SELECT count(pg_advisory_xact_lock(k)) FROM unnest('{${sorted.join(',')}}'::bigint[]) AS k`,
      );
      const result = await work(runner.manager);
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** Thrown by a transaction's work to have it run again (a row it needed appeared or vanished meanwhile). */
export class RetryTransaction extends Error {}

/**
 * Runs a transaction again, up to five times, when it deadlocked, lost a serialization race or a race
 * on a unique key (`40P01`, `40001`, `23505`), or its work asked for it with `RetryTransaction`.
 */
export async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const retryable =
        error instanceof RetryTransaction || code === '40P01' || code === '40001' || code === '23505';
      if (!retryable || attempt >= 5) throw error;
    }
  }
}
