import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { overdueCondition } from '@app/callbacks';
import { complaintOverdueCondition, onTimeCondition } from '@app/complaints';
import { ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { GroupSums, MetricSums, SumSource, validateMetricFilters } from './metric-sums.service';
import { addSums, computeMetric, EMPTY_SUMS, Metric, percent, ScoreSums, SurveyKind } from './metrics';
import {
  COMPLAINT_COLUMNS,
  COMPLAINTS_FROM,
  dimensionConditions,
  RESPONSE_COLUMNS,
  ROLLUP_COLUMNS,
} from './dimensions';

export interface DashboardFilters {
  from: string;
  to: string;
  touchpoint?: string;
  channel?: string;
  product?: string;
  groupBy: 'week' | 'month';
}

export interface Dashboard {
  totals: Record<SurveyKind, Metric>;
  trend: { period: string; metrics: Record<SurveyKind, Metric> }[];
  byTouchpoint: { key: string; metrics: Record<SurveyKind, Metric> }[];
  byChannel: { key: string; metrics: Record<SurveyKind, Metric> }[];
  byProduct: { key: string; metrics: Record<SurveyKind, Metric> }[];
  funnel: {
    scheduled: number;
    sent: number;
    delivered: number;
    opened: number;
    answered: number;
    failed: number;
    expired: number;
    responseRate: number | null;
  };
  callbacks: {
    tasks: number;
    lowScores: number;
    /** Open tasks past their first-contact deadline now, among the filtered touchpoints, channels, products. */
    overdueNow: number;
    avgHoursToFirstContact: number | null;
    reachRate: number | null;
    /** Share of tasks whose deadline has come that were first contacted within it (the SLA). */
    firstContactOnTime: number | null;
  };
  /** The register's complaints registered in the period, from every channel. */
  complaints: {
    registered: number;
    /** Found on callbacks for the period's low scores, per 100 of them. */
    per100Low: number | null;
    justifiedShare: number | null;
    /** Resolved by the deadline, of those resolved or already past it (an open overdue one counts as late). */
    onTimeShare: number | null;
    resolved: number;
    overdueOpen: number;
  };
  /** The borrower's next survey after a callback: share of them that were not low again. */
  recovery: { followed: number; recovered: number; share: number | null };
  /** Complaints per category in the period and in the period of the same length before it. */
  categories: { category: string; thisWeek: number; lastWeek: number }[];
}

const KINDS: SurveyKind[] = ['CSI', 'NPS', 'CLI'];

/**
 * The numbers behind the dashboard, computed from counts and sums per group (never averaged
 * percentages): survey metrics and the funnel from the daily rollups, the closed loop (tasks,
 * complaints, recovery) from its tables, which are a small fraction of the responses.
 */
@Injectable()
export class DashboardQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly metricSums: MetricSums,
  ) {}

  validate(filters: DashboardFilters): void {
    const errors = validateMetricFilters(filters);
    if (filters.groupBy !== 'week' && filters.groupBy !== 'month')
      errors.push({ path: 'groupBy', message: 'must be week or month' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
  }

  /** Every kind's figures over a period (the tiles' comparisons), from the rollups. */
  async totals(
    filters: DashboardFilters,
    period: { from: string; to: string },
    timeZone: string,
  ): Promise<Record<SurveyKind, Metric>> {
    const rows = await this.metricSums.sums(
      { ...period, touchpoint: filters.touchpoint, channel: filters.channel, product: filters.product },
      'all',
      timeZone,
    );
    return metricsByKind(rows)[0]?.metrics ?? emptyMetrics();
  }

  async load(
    filters: DashboardFilters,
    timeZone: string,
    now: Date,
    source: SumSource = 'rollup',
  ): Promise<Dashboard> {
    this.validate(filters);
    const dimensions = { touchpoint: filters.touchpoint, channel: filters.channel, product: filters.product };
    const period = { from: filters.from, to: filters.to, ...dimensions };
    const [trendRows, touchpointRows, channelRows, productRows] = await Promise.all([
      this.metricSums.sums(period, filters.groupBy, timeZone, source),
      this.metricSums.sums(period, 'touchpoint', timeZone, source),
      this.metricSums.sums(period, 'channel', timeZone, source),
      this.metricSums.sums(period, 'product', timeZone, source),
    ]);
    // $1 from, $2 to (inclusive days in the lender's zone), $3 zone, then the optional dimensions.
    const params: unknown[] = [filters.from, filters.to, timeZone];
    const dims = dimensionConditions(filters, params, RESPONSE_COLUMNS);
    const responsePeriod = `r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND r.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`;
    const taskWhere = [responsePeriod, ...dims].join(' AND ');
    const funnelParams: unknown[] = [filters.from, filters.to];
    const funnelWhere = [
      'm.day BETWEEN $1::date AND $2::date',
      ...dimensionConditions(filters, funnelParams, ROLLUP_COLUMNS),
    ].join(' AND ');
    // The register's complaints of the period ($1–$3 as above, $4 now); categories against the period before.
    const registeredIn = (from: string, to: string) =>
      `c.registered_at >= (${from}::date::timestamp AT TIME ZONE $3::text) AND c.registered_at < ((${to}::date + 1)::timestamp AT TIME ZONE $3::text)`;
    const complaintsFrom = COMPLAINTS_FROM;
    const complaintParams: unknown[] = [filters.from, filters.to, timeZone, now];
    const complaintWhere = [
      registeredIn('$1', '$2'),
      ...dimensionConditions(filters, complaintParams, COMPLAINT_COLUMNS),
    ].join(' AND ');
    const categoryParams: unknown[] = [filters.from, filters.to, timeZone];
    const categoryWhere = [
      registeredIn('($1::date - ($2::date - $1::date + 1))', '$2'),
      ...dimensionConditions(filters, categoryParams, COMPLAINT_COLUMNS),
    ].join(' AND ');
    const overdueParams: unknown[] = [now];
    const overdueWhere = [
      overdueCondition('t', '$1'),
      ...dimensionConditions(filters, overdueParams, RESPONSE_COLUMNS),
    ].join(' AND ');
    const [funnel, callbacks, complaints, found, recovery, categories, overdue] = await Promise.all([
      this.db.query(
        `SELECT coalesce(sum(scheduled), 0) AS scheduled, coalesce(sum(sent), 0) AS sent, coalesce(sum(delivered), 0) AS delivered,
                coalesce(sum(opened), 0) AS opened, coalesce(sum(answered), 0) AS answered, coalesce(sum(failed), 0) AS failed, coalesce(sum(expired), 0) AS expired
           FROM metric_invitation_daily m
          WHERE ${funnelWhere}`,
        funnelParams,
      ) as Promise<Record<string, string>[]>,
      this.db.query(
        `SELECT count(t.id) AS tasks, count(*) FILTER (WHERE r.low) AS low_scores,
                avg(extract(epoch FROM t.first_contact_at - t.created_at) / 3600) FILTER (WHERE t.first_contact_at IS NOT NULL) AS avg_hours,
                count(t.id) FILTER (WHERE t.first_contact_at IS NOT NULL) AS reached,
                count(t.id) FILTER (WHERE t.status IN ('closed', 'complaint')) AS finished,
                count(t.id) FILTER (WHERE t.first_contact_at IS NOT NULL OR t.first_contact_due_at < $${params.length + 1}) AS due,
                count(t.id) FILTER (WHERE t.first_contact_at IS NOT NULL AND t.first_contact_at <= t.first_contact_due_at) AS on_time
           FROM response r LEFT JOIN callback_task t ON t.response_id = r.id
          WHERE ${taskWhere}`,
        [...params, now],
      ) as Promise<Record<string, string | null>[]>,
      this.db.query(
        `SELECT count(c.id) AS registered,
                count(c.id) FILTER (WHERE c.classification IN ('justified', 'partly_justified')) AS justified,
                count(c.id) FILTER (WHERE c.classification IS NOT NULL) AS classified,
                count(c.id) FILTER (WHERE c.resolved_at IS NOT NULL) AS resolved,
                count(c.id) FILTER (WHERE ${complaintOverdueCondition('c', '$4')}) AS overdue_open,
                count(c.id) FILTER (WHERE ${onTimeCondition('c')}) AS on_time
           FROM ${complaintsFrom}
          WHERE ${complaintWhere}`,
        complaintParams,
      ) as Promise<Record<string, string>[]>,
      this.db.query(
        `SELECT count(c.id) AS found
           FROM response r JOIN callback_task t ON t.response_id = r.id JOIN complaint c ON c.task_id = t.id
          WHERE ${taskWhere}`,
        params,
      ) as Promise<Record<string, string>[]>,
      this.db.query(
        `SELECT count(n.id) AS followed, count(n.id) FILTER (WHERE NOT n.low) AS recovered
           FROM response r JOIN callback_task t ON t.response_id = r.id AND t.first_contact_at IS NOT NULL
           CROSS JOIN LATERAL (SELECT r2.id, r2.low FROM response r2
                                WHERE r2.borrower_id = r.borrower_id AND r2.submitted_at > t.first_contact_at
                                ORDER BY r2.submitted_at LIMIT 1) n
          WHERE ${taskWhere}`,
        params,
      ) as Promise<Record<string, string>[]>,
      this.db.query(
        `SELECT c.category,
                count(*) FILTER (WHERE ${registeredIn('$1', '$2')}) AS this_week,
                count(*) FILTER (WHERE NOT (${registeredIn('$1', '$2')})) AS last_week
           FROM ${complaintsFrom}
          WHERE ${categoryWhere}
          GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 8`,
        categoryParams,
      ) as Promise<{ category: string; this_week: string; last_week: string }[]>,
      this.db.query(
        `SELECT count(*) FROM callback_task t JOIN response r ON r.id = t.response_id
          WHERE ${overdueWhere}`,
        overdueParams,
      ) as Promise<{ count: string }[]>,
    ]);

    const f = funnel[0]!;
    const cb = callbacks[0]!;
    const cp = complaints[0]!;
    const rc = recovery[0]!;
    const n = (v: string | null | undefined) => Number(v ?? 0);
    return {
      // The period's totals are the sums of its trend's periods: no second query.
      totals: metricsByKind(trendRows.map((r) => ({ ...r, key: 'all' })))[0]?.metrics ?? emptyMetrics(),
      trend: metricsByKind(trendRows).map((g) => ({ period: g.key, metrics: g.metrics })),
      byTouchpoint: metricsByKind(touchpointRows),
      byChannel: metricsByKind(channelRows),
      byProduct: metricsByKind(productRows),
      funnel: {
        scheduled: n(f.scheduled),
        sent: n(f.sent),
        delivered: n(f.delivered),
        opened: n(f.opened),
        answered: n(f.answered),
        failed: n(f.failed),
        expired: n(f.expired),
        responseRate: percent(n(f.answered), n(f.sent)),
      },
      callbacks: {
        tasks: n(cb.tasks),
        lowScores: n(cb.low_scores),
        overdueNow: n(overdue[0]?.count),
        avgHoursToFirstContact: cb.avg_hours === null ? null : Math.round(Number(cb.avg_hours) * 10) / 10,
        reachRate: percent(n(cb.reached), n(cb.finished)),
        firstContactOnTime: percent(n(cb.on_time), n(cb.due)),
      },
      complaints: {
        registered: n(cp.registered),
        per100Low: percent(n(found[0]?.found), n(cb.low_scores)),
        justifiedShare: percent(n(cp.justified), n(cp.classified)),
        onTimeShare: percent(n(cp.on_time), n(cp.resolved) + n(cp.overdue_open)),
        resolved: n(cp.resolved),
        overdueOpen: n(cp.overdue_open),
      },
      recovery: {
        followed: n(rc.followed),
        recovered: n(rc.recovered),
        share: percent(n(rc.recovered), n(rc.followed)),
      },
      categories: categories.map((c) => ({
        category: c.category,
        thisWeek: n(c.this_week),
        lastWeek: n(c.last_week),
      })),
    };
  }
}

function emptyMetrics(): Record<SurveyKind, Metric> {
  return {
    CSI: computeMetric('CSI', EMPTY_SUMS),
    NPS: computeMetric('NPS', EMPTY_SUMS),
    CLI: computeMetric('CLI', EMPTY_SUMS),
  };
}

/** One metric per kind per key from the sums of each (key, kind). */
function metricsByKind(rows: GroupSums[]): { key: string; metrics: Record<SurveyKind, Metric> }[] {
  const groups = new Map<string, Record<SurveyKind, ScoreSums>>();
  for (const row of rows) {
    const group = groups.get(row.key) ?? { CSI: EMPTY_SUMS, NPS: EMPTY_SUMS, CLI: EMPTY_SUMS };
    group[row.kind] = addSums(group[row.kind], row.sums);
    groups.set(row.key, group);
  }
  return [...groups].map(([key, sums]) => ({
    key,
    metrics: Object.fromEntries(KINDS.map((k) => [k, computeMetric(k, sums[k])])) as Record<
      SurveyKind,
      Metric
    >,
  }));
}
