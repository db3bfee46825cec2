import type { EntityManager } from 'typeorm';

type Queryable = { query(sql: string, parameters?: unknown[]): Promise<unknown> };

/**
 * The rows of a statement. TypeORM answers UPDATE and DELETE with `[rows, affected]` and everything
 * else with the rows; this gives the rows either way, so `UPDATE … RETURNING` reads like a SELECT.
 */
export async function queryRows<T>(db: Queryable, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

type PreparingClient = {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
};

/**
 * The rows of a named prepared statement on the connection of a transaction's manager: PostgreSQL
 * parses and plans it once per connection instead of on every call, which on a hot path of small
 * statements is most of the server's work. `name` must stand for one `sql` text only.
 */
export async function preparedRows<T>(
  manager: EntityManager,
  name: string,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  if (!manager.queryRunner) throw new Error('preparedRows runs inside a transaction');
  const client = (await manager.queryRunner.connect()) as PreparingClient;
  return (await client.query({ name, text: sql, values: parameters })).rows as T[];
}
