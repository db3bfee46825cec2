import { Module } from '@nestjs/common';
import { DashboardQueries } from './dashboard-queries.service';
import { MetricSums } from './metric-sums.service';
import { RefreshMetricRollups } from './refresh-metric-rollups.use-case';
import { ResponseQueries } from './response-queries.service';

const PROVIDERS = [MetricSums, DashboardQueries, RefreshMetricRollups, ResponseQueries];

@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class AnalyticsModule {}
