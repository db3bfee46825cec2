import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FieldError, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { addSums, computeMetric, EMPTY_SUMS, Metric, percent, ScoreSums, SurveyKind } from './metrics';

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
    answered: number;
    failed: number;
    expired: number;
    responseRate: number | null;
  };
  callbacks: {
    tasks: number;
    lowScores: number;
    overdueNow: number;
    avgHoursToFirstContact: number | null;
    reachRate: number | null;
    firstContactOnTime: number | null;
  };
  complaints: {
    registered: number;
    per100Low: number | null;
    justifiedShare: number | null;
    onTimeShare: number | null;
    resolved: number;
  };
  /** The borrower's next survey after a callback: share of them that were not low again. */
  recovery: { followed: number; recovered: number; share: number | null };
  categories: { category: string; thisWeek: number; lastWeek: number }[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KINDS: SurveyKind[] = ['CSI', 'NPS', 'CLI'];

type SumRow = {
  key: string;
  kind: SurveyKind;
  responses: string;
  score_sum: string;
  top2: string;
  promoters: string;
  passives: string;
  detractors: string;
};

/**
 * The numbers behind the dashboard, computed from counts and sums per group (never averaged
 * percentages). Reads the raw tables for the period; the rollups of the analytics issue take over
 * the response sums when they land.
 */
@Injectable()
export class DashboardQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  validate(filters: DashboardFilters): void {
    const errors: FieldError[] = [];
    for (const key of ['from', 'to'] as const)
      if (!DATE.test(filters[key]) || Number.isNaN(Date.parse(filters[key])))
        errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
    if (errors.length === 0 && filters.from > filters.to)
      errors.push({ path: 'to', message: 'must not be before from' });
    if (errors.length === 0 && Date.parse(filters.to) - Date.parse(filters.from) > 3 * 366 * 86_400_000)
      errors.push({ path: 'from', message: 'the period is at most three years' });
    if (filters.groupBy !== 'week' && filters.groupBy !== 'month')
      errors.push({ path: 'groupBy', message: 'must be week or month' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
  }

  async load(filters: DashboardFilters, timeZone: string, now: Date): Promise<Dashboard> {
    this.validate(filters);
    // $1 from, $2 to (inclusive days in the lender's zone), $3 zone, then the optional dimensions.
    const params: unknown[] = [filters.from, filters.to, timeZone];
    const period = `r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND r.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`;
    const dims: string[] = [];
    for (const key of ['touchpoint', 'channel', 'product'] as const)
      if (filters[key]) dims.push(`r.${key} = $${params.push(filters[key])}`);
    const responseWhere = [period, ...dims].join(' AND ');
    const sums = (key: string) =>
      this.db.query(
        `SELECT ${key} AS key, s.kind, count(*) AS responses, coalesce(sum(r.score), 0) AS score_sum,
                count(*) FILTER (WHERE s.kind = 'CSI' AND r.score >= 4) AS top2,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 9) AS promoters,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 7 AND r.score < 9) AS passives,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score < 7) AS detractors
           FROM response r JOIN survey s ON s.id = r.survey_id
          WHERE ${responseWhere}
          GROUP BY 1, 2 ORDER BY 1`,
        params,
      ) as Promise<SumRow[]>;
    const trunc = filters.groupBy === 'week' ? 'week' : 'month';
    const [trendRows, touchpointRows, channelRows, productRows] = await Promise.all([
      sums(`to_char(date_trunc('${trunc}', r.submitted_at AT TIME ZONE $3::text), 'YYYY-MM-DD')`),
      sums('r.touchpoint'),
      sums('r.channel'),
      sums(`coalesce(r.product, '—')`),
    ]);

    const eventDims = dims.map((d) =>
      d.replace(/^r\.(touchpoint|channel|product)/, (_m, c: string) =>
        c === 'channel' ? 'i.channel' : `e.${c}`,
      ),
    );
    const invitationPeriod = `i.created_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND i.created_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`;
    const taskWhere = [period, ...dims].join(' AND ');
    const [funnel, callbacks, complaints, recovery, categories] = await Promise.all([
      this.db.query(
        `SELECT count(*) AS scheduled, count(i.sent_at) AS sent, count(i.delivered_at) AS delivered,
                count(*) FILTER (WHERE i.status = 'answered') AS answered, count(*) FILTER (WHERE i.status = 'failed') AS failed,
                count(*) FILTER (WHERE i.status = 'expired') AS expired
           FROM invitation i JOIN contact_event e ON e.id = i.contact_event_id
          WHERE ${[invitationPeriod, ...eventDims].join(' AND ')}`,
        params,
      ) as Promise<Record<string, string>[]>,
      this.db.query(
        `SELECT count(t.id) AS tasks, count(*) FILTER (WHERE r.low) AS low_scores,
                avg(extract(epoch FROM t.first_contact_at - t.created_at) / 3600) FILTER (WHERE t.first_contact_at IS NOT NULL) AS avg_hours,
                count(t.id) FILTER (WHERE t.first_contact_at IS NOT NULL) AS reached,
                count(t.id) FILTER (WHERE t.status IN ('closed', 'complaint')) AS finished,
                count(t.id) FILTER (WHERE t.first_contact_at IS NOT NULL AND t.first_contact_at <= t.first_contact_due_at) AS on_time
           FROM response r LEFT JOIN callback_task t ON t.response_id = r.id
          WHERE ${taskWhere}`,
        params,
      ) as Promise<Record<string, string | null>[]>,
      this.db.query(
        `SELECT count(c.id) AS registered,
                count(c.id) FILTER (WHERE c.classification IN ('justified', 'partly_justified')) AS justified,
                count(c.id) FILTER (WHERE c.classification IS NOT NULL) AS classified,
                count(c.id) FILTER (WHERE c.resolved_at IS NOT NULL) AS resolved,
                count(c.id) FILTER (WHERE c.resolved_at <= coalesce(c.extended_due_at, c.due_at)) AS on_time
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
                count(*) FILTER (WHERE c.registered_at >= date_trunc('week', $1::timestamptz AT TIME ZONE $2::text) AT TIME ZONE $2::text) AS this_week,
                count(*) FILTER (WHERE c.registered_at < date_trunc('week', $1::timestamptz AT TIME ZONE $2::text) AT TIME ZONE $2::text) AS last_week
           FROM complaint c
          WHERE c.registered_at >= (date_trunc('week', $1::timestamptz AT TIME ZONE $2::text) - interval '7 days') AT TIME ZONE $2::text
          GROUP BY 1 ORDER BY 2 DESC, 3 DESC LIMIT 8`,
        [now, timeZone],
      ) as Promise<{ category: string; this_week: string; last_week: string }[]>,
    ]);
    const overdue: { count: string }[] = await this.db.query(
      `SELECT count(*) FROM callback_task WHERE status IN ('open', 'in_progress') AND first_contact_at IS NULL AND first_contact_due_at < $1`,
      [now],
    );

    const f = funnel[0]!;
    const cb = callbacks[0]!;
    const cp = complaints[0]!;
    const rc = recovery[0]!;
    const n = (v: string | null | undefined) => Number(v ?? 0);
    return {
      totals: metricsByKind(trendRows.map((r) => ({ ...r, key: 'all' })))[0]?.metrics ?? emptyMetrics(),
      trend: metricsByKind(trendRows).map((g) => ({ period: g.key, metrics: g.metrics })),
      byTouchpoint: metricsByKind(touchpointRows),
      byChannel: metricsByKind(channelRows),
      byProduct: metricsByKind(productRows),
      funnel: {
        scheduled: n(f.scheduled),
        sent: n(f.sent),
        delivered: n(f.delivered),
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
        firstContactOnTime: percent(n(cb.on_time), n(cb.reached)),
      },
      complaints: {
        registered: n(cp.registered),
        per100Low: percent(n(cp.registered), n(cb.low_scores)),
        justifiedShare: percent(n(cp.justified), n(cp.classified)),
        onTimeShare: percent(n(cp.on_time), n(cp.resolved)),
        resolved: n(cp.resolved),
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

/** Groups rows of (key, kind, sums) into one metric per kind per key, summing rows of the same key. */
function metricsByKind(rows: SumRow[]): { key: string; metrics: Record<SurveyKind, Metric> }[] {
  const groups = new Map<string, Record<SurveyKind, ScoreSums>>();
  for (const row of rows) {
    const group = groups.get(row.key) ?? { CSI: EMPTY_SUMS, NPS: EMPTY_SUMS, CLI: EMPTY_SUMS };
    group[row.kind] = addSums(group[row.kind], {
      responses: Number(row.responses),
      scoreSum: Number(row.score_sum),
      top2: Number(row.top2),
      promoters: Number(row.promoters),
      passives: Number(row.passives),
      detractors: Number(row.detractors),
    });
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
