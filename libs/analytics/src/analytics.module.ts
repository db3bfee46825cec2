import { Module } from '@nestjs/common';
import { DashboardQueries } from './dashboard-queries.service';
import { MetricSums } from './metric-sums.service';
import { RefreshMetricRollups } from './refresh-metric-rollups.use-case';
import { LenderCounts } from './lender-counts.repository';
import { ResponseExport } from './response-export.service';
import { ResponseQueries } from './response-queries.service';
import { ExportsModule } from '@app/exports';
import { TemplatesModule } from '@app/core';

const PROVIDERS = [
  MetricSums,
  DashboardQueries,
  RefreshMetricRollups,
  ResponseQueries,
  ResponseExport,
  LenderCounts,
];

@Module({ imports: [ExportsModule, TemplatesModule], providers: PROVIDERS, exports: PROVIDERS })
export class AnalyticsModule {}
