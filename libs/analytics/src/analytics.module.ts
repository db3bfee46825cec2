import { Module } from '@nestjs/common';
import { DashboardQueries } from './dashboard-queries.service';
import { MetricSums } from './metric-sums.service';
import { RefreshMetricRollups } from './refresh-metric-rollups.use-case';

const PROVIDERS = [MetricSums, DashboardQueries, RefreshMetricRollups];

@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class AnalyticsModule {}
