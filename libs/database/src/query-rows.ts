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
