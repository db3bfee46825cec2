import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FieldError, isIsoDate, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { DateTime } from 'luxon';
import { addSums, computeMetric, EMPTY_SUMS, Metric, round, ScoreSums, SurveyKind } from './metrics';
import { MetricTargets } from './metric-targets.repository';
import { CATEGORY_SQL } from './response-filters';

export const METRIC_GROUPS = [
  'day',
  'week',
  'month',
  'touchpoint',
  'channel',
  'product',
  'survey',
  'segment',
  'operator',
  'category',
  'question',
] as const;
/** Groups the rollups do not keep: read from the responses themselves. */
const RAW_GROUPS: ReadonlySet<MetricGroup> = new Set(['segment', 'operator', 'question']);
const TIME_GROUPS: ReadonlySet<MetricGroup> = new Set(['day', 'week', 'month']);
export const COMPARISONS = ['previous', 'year'] as const;
export type Comparison = (typeof COMPARISONS)[number];
/** Fewer answers than this behind a point and it is marked not significant (a chart leaves a gap). */
export const MIN_SIGNIFICANT_ANSWERS = 10;
export type MetricGroup = (typeof METRIC_GROUPS)[number] | 'all';
export const SURVEY_KINDS: readonly SurveyKind[] = ['CSI', 'NPS', 'CLI'];

export interface MetricFilters {
  /** Inclusive days in the lender's zone. */
  from: string;
  to: string;
  kind?: SurveyKind;
  touchpoint?: string;
  channel?: string;
  product?: string;
  /** The borrower's segment: a filter the rollups do not keep, so the answers themselves are read. */
  segment?: string;
}

export interface GroupSums {
  key: string;
  kind: SurveyKind;
  sums: ScoreSums;
}

/** Where sums come from: the daily rollups (what every screen reads) or the raw responses (their check). */
export type SumSource = 'rollup' | 'raw';

const MAX_DAYS = 3 * 366;

export function validateMetricFilters(filters: MetricFilters): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['from', 'to'] as const) {
    const value = filters[key];
    if (!isIsoDate(value)) errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
  }
  if (errors.length === 0 && filters.from > filters.to)
    errors.push({ path: 'to', message: 'must not be before from' });
  if (errors.length === 0 && (Date.parse(filters.to) - Date.parse(filters.from)) / 86_400_000 > MAX_DAYS)
    errors.push({ path: 'from', message: 'the period is at most three years' });
  if (filters.kind !== undefined && !SURVEY_KINDS.includes(filters.kind))
    errors.push({ path: 'kind', message: 'must be CSI, NPS or CLI' });
  for (const key of ['touchpoint', 'channel', 'product', 'segment'] as const) {
    const value = filters[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 100))
      errors.push({ path: key, message: 'must be 1 to 100 characters' });
  }
  return errors;
}

/**
 * Counts and sums of responses per group and survey kind for a period: the one query behind the
 * dashboards and GET /api/v1/metrics. Reads the daily rollups; the raw variant computes the same
 * from the responses themselves (tests compare the two; the bench uses it as the baseline).
 */
@Injectable()
export class MetricSums {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly targets: MetricTargets,
  ) {}

  async sums(
    filters: MetricFilters,
    group: MetricGroup,
    timeZone: string,
    source: SumSource = 'rollup',
  ): Promise<GroupSums[]> {
    const errors = validateMetricFilters(filters);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const raw = source === 'raw' || RAW_GROUPS.has(group) || filters.segment !== undefined;
    const day = raw ? `(r.submitted_at AT TIME ZONE $3::text)::date` : 'm.day';
    const column = {
      touchpoint: raw ? 'r.touchpoint' : 'm.touchpoint',
      channel: raw ? 'r.channel' : 'm.channel',
      product: raw ? `coalesce(r.product, '')` : 'm.product',
      survey: raw ? 's.key' : 'm.survey_key',
      kind: raw ? 's.kind' : 'm.kind',
      category: raw ? `coalesce(${CATEGORY_SQL}, '')` : 'm.category',
    };
    const named = (sql: string) => `CASE WHEN ${sql} = '' THEN '—' ELSE ${sql} END`;
    const key: Record<MetricGroup, string> = {
      day: `to_char(${day}, 'YYYY-MM-DD')`,
      week: `to_char(date_trunc('week', ${day}), 'YYYY-MM-DD')`,
      month: `to_char(date_trunc('month', ${day}), 'YYYY-MM-DD')`,
      touchpoint: column.touchpoint,
      channel: column.channel,
      product: named(column.product),
      survey: column.survey,
      category: named(column.category),
      segment: `coalesce(b.segment, '—')`,
      operator: `coalesce(e.agent_ref, '—')`,
      question: 'a.key',
      all: `'all'`,
    };
    const params: unknown[] = [filters.from, filters.to, timeZone];
    const where = raw
      ? [
          `r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3::text)`,
          `r.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`,
        ]
      : [`m.day BETWEEN $1::date AND $2::date`, `$3::text IS NOT NULL`];
    if (filters.kind) where.push(`${column.kind} = $${params.push(filters.kind)}`);
    for (const dim of ['touchpoint', 'channel', 'product'] as const)
      if (filters[dim] !== undefined) where.push(`${column[dim]} = $${params.push(filters[dim])}`);
    if (filters.segment !== undefined) where.push(`b.segment = $${params.push(filters.segment)}`);
    // Per question, each answer is scored on its own; otherwise the response's primary score.
    const score = group === 'question' ? 'a.value::numeric' : 'r.score';
    const joins = {
      segment: 'JOIN borrower b ON b.id = r.borrower_id',
      operator:
        'JOIN invitation i ON i.id = r.invitation_id LEFT JOIN contact_event e ON e.id = i.contact_event_id',
      question: 'CROSS JOIN LATERAL jsonb_each_text(r.answers) a',
    } as Partial<Record<MetricGroup, string>>;
    const sql = raw
      ? `SELECT ${key[group]} AS key, s.kind, count(*) AS responses, coalesce(sum(${score}), 0) AS score_sum,
                count(*) FILTER (WHERE s.kind = 'CSI' AND ${score} >= 4) AS top2,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND ${score} >= 9) AS promoters,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND ${score} >= 7 AND ${score} < 9) AS passives,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND ${score} < 7) AS detractors
           FROM response r JOIN survey s ON s.id = r.survey_id ${joins[group] ?? ''}
                ${filters.segment !== undefined && group !== 'segment' ? joins.segment : ''}
          WHERE ${where.join(' AND ')} GROUP BY 1, 2 ORDER BY 1, 2`
      : `SELECT ${key[group]} AS key, m.kind, sum(m.responses) AS responses, sum(m.score_sum) AS score_sum, sum(m.top2) AS top2,
                sum(m.promoters) AS promoters, sum(m.passives) AS passives, sum(m.detractors) AS detractors
           FROM metric_response_daily m
          WHERE ${where.join(' AND ')} GROUP BY 1, 2 ORDER BY 1, 2`;
    const rows: Record<string, string>[] = await this.db.query(sql, params);
    return rows.map((row) => ({
      key: row.key!,
      kind: row.kind as SurveyKind,
      sums: {
        responses: Number(row.responses),
        scoreSum: Number(row.score_sum),
        top2: Number(row.top2),
        promoters: Number(row.promoters),
        passives: Number(row.passives),
        detractors: Number(row.detractors),
      },
    }));
  }

  /**
   * One kind's metric per group and over the whole period (GET /api/v1/metrics): each group with the
   * answers behind it and whether they are enough to read; with `compare`, the same for the period
   * before or a year earlier (time groups pair by position, other groups by key); the target set for
   * the period, if any, with the gap to it.
   */
  async report(
    filters: MetricFilters & { kind: SurveyKind },
    groupBy: MetricGroup,
    timeZone: string,
    compare?: Comparison,
  ): Promise<MetricReport> {
    const current = await this.figures(filters, groupBy, timeZone);
    // A kind's target is set on its own figure: CSI, NPS or CLI (CSAT's is the dashboard's).
    const target = await this.targets.forPeriod(filters, filters.kind);
    const totals: MetricReport['totals'] = { ...current.totals };
    if (target) {
      totals.target = target.value;
      const value = totals[primaryField(filters.kind)];
      totals.gap = typeof value === 'number' ? round(value - target.value, 2) : null;
    }
    if (!compare) return { items: current.items, totals };
    const earlier = await this.figures(
      { ...filters, ...comparedPeriod(filters, compare) },
      groupBy,
      timeZone,
    );
    const timed = TIME_GROUPS.has(groupBy);
    return {
      items: current.items.map((item, i) => ({
        ...item,
        previous: (timed ? earlier.items[i] : earlier.items.find((e) => e.key === item.key)) ?? null,
      })),
      totals: { ...totals, previous: earlier.totals },
    };
  }

  private async figures(
    filters: MetricFilters & { kind: SurveyKind },
    groupBy: MetricGroup,
    timeZone: string,
  ): Promise<{ items: MetricItem[]; totals: Metric }> {
    const rows = await this.sums(filters, groupBy, timeZone);
    // Per question every answer counts once; the whole period counts each response once.
    const totalRows = groupBy === 'question' ? await this.sums(filters, 'all', timeZone) : rows;
    const total = totalRows.reduce((acc, row) => addSums(acc, row.sums), EMPTY_SUMS);
    return {
      items: rows.map((row) => ({
        key: row.key,
        ...computeMetric(filters.kind, row.sums),
        significant: row.sums.responses >= MIN_SIGNIFICANT_ANSWERS,
      })),
      totals: computeMetric(filters.kind, total),
    };
  }
}

export type MetricItem = { key: string; significant: boolean } & Metric;

export interface MetricReport {
  items: (MetricItem & { previous?: MetricItem | null })[];
  totals: Metric & { target?: number; gap?: number | null; previous?: Metric };
}

/** The period a comparison reads: the same number of days just before, or the same days a year earlier. */
export function comparedPeriod(
  period: { from: string; to: string },
  compare: Comparison,
): { from: string; to: string } {
  const from = DateTime.fromISO(period.from, { zone: 'UTC' });
  const to = DateTime.fromISO(period.to, { zone: 'UTC' });
  if (compare === 'year')
    return { from: from.minus({ years: 1 }).toISODate()!, to: to.minus({ years: 1 }).toISODate()! };
  const days = to.diff(from, 'days').days + 1;
  return { from: from.minus({ days }).toISODate()!, to: from.minus({ days: 1 }).toISODate()! };
}

function primaryField(kind: SurveyKind): 'csi' | 'nps' | 'cli' {
  return kind === 'CSI' ? 'csi' : kind === 'NPS' ? 'nps' : 'cli';
}
