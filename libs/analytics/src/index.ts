export * from './analytics.module';
export * from './dashboard-queries.service';
export * from './metrics';
