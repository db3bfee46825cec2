import { Module } from '@nestjs/common';
import { TemplatesModule } from '@app/core';
import { ExportsModule } from '@app/exports';
import { MessagingModule } from '@app/messaging';
import { CategoryTrendQueries } from './category-trends.service';
import { DashboardQueries } from './dashboard-queries.service';
import { LenderCounts } from './lender-counts.repository';
import { MetricSums } from './metric-sums.service';
import { MetricTargets } from './metric-targets.repository';
import { Operators } from './operators.repository';
import { PeopleQueries } from './people-queries.service';
import { SendWeeklyDigests } from './send-weekly-digests.use-case';
import { RefreshMetricRollups } from './refresh-metric-rollups.use-case';
import { ResponseExport } from './response-export.service';
import { ResponseQueries } from './response-queries.service';

const PROVIDERS = [
  MetricSums,
  DashboardQueries,
  RefreshMetricRollups,
  ResponseQueries,
  ResponseExport,
  LenderCounts,
  CategoryTrendQueries,
  MetricTargets,
  Operators,
  PeopleQueries,
  SendWeeklyDigests,
];

@Module({
  imports: [ExportsModule, TemplatesModule, MessagingModule],
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class AnalyticsModule {}
