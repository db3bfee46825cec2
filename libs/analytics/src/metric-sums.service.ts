import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FieldError, isIsoDate, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { addSums, computeMetric, EMPTY_SUMS, Metric, ScoreSums, SurveyKind } from './metrics';

export const METRIC_GROUPS = ['day', 'week', 'month', 'touchpoint', 'channel', 'product', 'survey'] as const;
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
  for (const key of ['touchpoint', 'channel', 'product'] as const) {
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
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sums(
    filters: MetricFilters,
    group: MetricGroup,
    timeZone: string,
    source: SumSource = 'rollup',
  ): Promise<GroupSums[]> {
    const errors = validateMetricFilters(filters);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const raw = source === 'raw';
    const day = raw ? `(r.submitted_at AT TIME ZONE $3::text)::date` : 'm.day';
    const column = {
      touchpoint: raw ? 'r.touchpoint' : 'm.touchpoint',
      channel: raw ? 'r.channel' : 'm.channel',
      product: raw ? `coalesce(r.product, '')` : 'm.product',
      survey: raw ? 's.key' : 'm.survey_key',
      kind: raw ? 's.kind' : 'm.kind',
    };
    const key: Record<MetricGroup, string> = {
      day: `to_char(${day}, 'YYYY-MM-DD')`,
      week: `to_char(date_trunc('week', ${day}), 'YYYY-MM-DD')`,
      month: `to_char(date_trunc('month', ${day}), 'YYYY-MM-DD')`,
      touchpoint: column.touchpoint,
      channel: column.channel,
      product: `CASE WHEN ${column.product} = '' THEN '—' ELSE ${column.product} END`,
      survey: column.survey,
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
    const sql = raw
      ? `SELECT ${key[group]} AS key, s.kind, count(*) AS responses, coalesce(sum(r.score), 0) AS score_sum,
                count(*) FILTER (WHERE s.kind = 'CSI' AND r.score >= 4) AS top2,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 9) AS promoters,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 7 AND r.score < 9) AS passives,
                count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score < 7) AS detractors
           FROM response r JOIN survey s ON s.id = r.survey_id
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

  /** One kind's metric per group and over the whole period (GET /api/v1/metrics). */
  async report(
    filters: MetricFilters & { kind: SurveyKind },
    groupBy: MetricGroup,
    timeZone: string,
  ): Promise<{ items: ({ key: string } & Metric)[]; totals: Metric }> {
    const rows = await this.sums(filters, groupBy, timeZone);
    const total = rows.reduce((acc, row) => addSums(acc, row.sums), EMPTY_SUMS);
    return {
      items: rows.map((row) => ({ key: row.key, ...computeMetric(filters.kind, row.sums) })),
      totals: computeMetric(filters.kind, total),
    };
  }
}
