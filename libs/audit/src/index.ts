export * from './actor';
export * from './audit-log.entity';
export * from './audit.module';
export * from './audit.service';
export * from './audit-queries.service';
