import { Client } from 'pg';
import { advisoryLockKey } from './locked-transaction';

export interface SlotLimits {
  /** Who asks (a user's id); each holds at most `perHolder` slots at once. */
  holder: string;
  perHolder: number;
  /** How many may run at once across every process on this database. */
  overall: number;
}

export type SlotLease = { release(): Promise<void> } | { refused: 'holder' | 'overall' };

/**
 * A bounded pool of slots for heavy work (exports), held as session advisory locks on a connection of
 * its own: the limit holds across processes and under any number of simultaneous requests (a slot is
 * a lock: taken or not, never counted twice), and a crashed process's slots free themselves when its
 * connection drops. Releasing closes the connection.
 */
export async function takeSlot(databaseUrl: string, kind: string, limits: SlotLimits): Promise<SlotLease> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a dropped connection frees its locks; the work notices on its own
  await client.connect();
  const takeOne = async (keys: bigint[]): Promise<boolean> => {
    for (const key of keys) {
      const { rows } = await client.query<{ taken: boolean }>(
        `SELECT pg_try_advisory_lock($1::bigint) AS taken`,
        [key.toString()],
      );
      if (rows[0]!.taken) return true;
    }
    return false;
  };
  try {
    const keys = (scope: string, count: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => advisoryLockKey(`${kind}:${scope}`, `${prefix}${i}`));
    const refused = !(await takeOne(keys('holder', limits.perHolder, `${limits.holder}:`)))
      ? 'holder'
      : !(await takeOne(keys('overall', limits.overall, '')))
        ? 'overall'
        : null;
    if (refused) {
      await client.end();
      return { refused };
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined);
    },
  };
}
