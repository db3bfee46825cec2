// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { takeSlot } from './concurrency-slots';
export { withDatabaseName } from './connection';
export { DatabaseModule } from './database.module';
export { freePort, startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgres } from './embedded-postgres';
export { advisoryLockKey, lockedTransaction, RetryTransaction, withRetries } from './locked-transaction';
export { revertLastMigration, runMigrations } from './migrations';
export { queryRows } from './query-rows';
export { Rows } from './rows';
export { openDatabase } from './runtime';
export { versionedUpdate } from './versioned-update';
