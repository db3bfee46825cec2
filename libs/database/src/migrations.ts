import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@migrations';

/** Any fixed number; every Resonance process migrating the same database takes this lock first. */
const MIGRATION_LOCK_KEY = 4_216_771_301;

function migrationDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: 2, application_name: 'resonance-migrate' },
  });
}

async function withMigrationLock<T>(url: string, work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = migrationDataSource(url);
  await db.initialize();
  const lock = db.createQueryRunner();
  try {
    await lock.connect();
    // A session-level lock on its own connection: two processes starting together run the
    // migrations one after the other, and the second finds nothing left to do.
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work(db);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
    await db.destroy();
  }
}

/** Applies pending migrations; returns the names of those it applied. */
export function runMigrations(url: string): Promise<string[]> {
  return withMigrationLock(url, async (db) =>
    (await db.runMigrations({ transaction: 'each' })).map((m) => m.name),
  );
}

/** Reverts the most recent migration (for `npm run migration:revert` and the reversibility test). */
export function revertLastMigration(url: string): Promise<void> {
  return withMigrationLock(url, (db) => db.undoLastMigration({ transaction: 'each' }));
}
