import { DomainException, isUuid, NotFoundException } from '@app/core';
import { EntityManager } from 'typeorm';

export interface VersionedChange<Row> {
  /** The row as written, version bumped. */
  row: Row;
  /** The changed columns only, before and after: what the audit log records. */
  before: Partial<Row>;
  after: Partial<Row>;
}

/** Objects and arrays of objects go to json/jsonb columns as JSON; arrays of scalars stay PostgreSQL arrays. */
function asParameter(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value))
    return value;
  if (Array.isArray(value) && !value.some((v) => v !== null && typeof v === 'object')) return value;
  return JSON.stringify(value);
}

/**
 * The one way a versioned row (a callback task, a complaint) changes: lock it, check the version the
 * caller saw (a stale change is refused with `stale_version`), let `change` decide the new values,
 * write only the columns that changed with the version bumped and `updated_at` from the caller's
 * Clock, all in the caller's transaction. Table and column names come from code, never from input.
 */
export async function versionedUpdate<Row extends { id: string; version: number }>(
  manager: EntityManager,
  table: { name: string; noun: string },
  id: string,
  expectedVersion: number,
  now: Date,
  change: (row: Row) => Partial<Row> | Promise<Partial<Row>>,
): Promise<VersionedChange<Row>> {
  if (!isUuid(id)) throw new NotFoundException(table.noun);
  const rows: Row[] = await manager.query(`SELECT * FROM ${table.name} WHERE id = $1 FOR UPDATE`, [id]);
  const current = rows[0];
  if (!current) throw new NotFoundException(table.noun);
  if (!Number.isInteger(expectedVersion) || current.version !== expectedVersion)
    throw new DomainException(
      'stale_version',
      `${table.noun} changed since you loaded it; reload and try again.`,
    );
  const patch = await change(current);
  const row: Row = { ...current, ...patch, version: current.version + 1 };
  const changed = (Object.keys(patch) as (keyof Row & string)[]).filter(
    (column) => column !== 'version' && JSON.stringify(current[column]) !== JSON.stringify(row[column]),
  );
  await manager.query(
    `UPDATE ${table.name} SET ${[...changed.map((c, i) => `${c} = $${i + 4}`), 'version = $2', 'updated_at = $3'].join(', ')}
      WHERE id = $1`,
    [id, row.version, now, ...changed.map((c) => asParameter(row[c]))],
  );
  const pick = (source: Row) => Object.fromEntries(changed.map((c) => [c, source[c]])) as Partial<Row>;
  return { row, before: pick(current), after: pick(row) };
}
