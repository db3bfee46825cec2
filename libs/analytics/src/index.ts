// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { AnalyticsModule } from './analytics.module';
export { DashboardQueries } from './dashboard-queries.service';
export type { Dashboard, DashboardFilters } from './dashboard-queries.service';
export {
  COMPARISONS,
  comparedPeriod,
  METRIC_GROUPS,
  MetricSums,
  MIN_SIGNIFICANT_ANSWERS,
  SURVEY_KINDS,
} from './metric-sums.service';
export type { Comparison, MetricGroup, MetricItem, MetricReport } from './metric-sums.service';
export { MetricTargets, TARGET_METRICS, TARGET_SCALES } from './metric-targets.repository';
export type { MetricTarget, TargetInput, TargetMetric } from './metric-targets.repository';
export type { Metric, SurveyKind } from './metrics';
export { RefreshMetricRollups } from './refresh-metric-rollups.use-case';
export { ResponseQueries } from './response-queries.service';
export type { ResponseItem } from './response-queries.service';
export type { ResponseFilters } from './response-filters';
export { RESPONSE_FILTER_KEYS } from './response-filters';
export { RESPONSE_COLUMNS, ResponseExport } from './response-export.service';
export { COUNT_NAMES, LenderCounts, MAX_COUNT, RATIO_GROUPS } from './lender-counts.repository';
export type { CountName, DayCounts, RatioFilters, RatioGroup, RatioItem } from './lender-counts.repository';
export { CategoryTrendQueries, periodStarts } from './category-trends.service';
export type { CategorySeries, CategoryTrends, TopCategory } from './category-trends.service';
export { MAX_OPERATOR_CSV, OPERATOR_CSV_HEADER, Operators } from './operators.repository';
export type { Operator } from './operators.repository';
export { PeopleQueries } from './people-queries.service';
export type { OperatorFigures, PeoplePeriod, SpecialistFigures } from './people-queries.service';
export { SendWeeklyDigests, WEEKLY_DIGEST_HOUR } from './send-weekly-digests.use-case';
