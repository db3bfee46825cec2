export * from './connection';
export * from './database.module';
export * from './embedded-postgres';
export * from './locked-transaction';
export * from './migrations';
export * from './query-rows';
export * from './runtime';
export * from './concurrency-slots';
