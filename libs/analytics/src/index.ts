export * from './analytics.module';
export * from './dashboard-queries.service';
export * from './metric-sums.service';
export * from './metrics';
export * from './refresh-metric-rollups.use-case';
