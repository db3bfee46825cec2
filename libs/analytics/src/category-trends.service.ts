import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { DashboardFilters, DashboardQueries } from './dashboard-queries.service';
import { COMPLAINT_COLUMNS, COMPLAINTS_FROM, dimensionConditions } from './dimensions';
import { SumSource } from './metric-sums.service';
import { percent } from './metrics';
import { CATEGORY_SQL } from './response-filters';

export interface CategorySeries {
  category: string;
  counts: number[];
  /** Per period: the category's % of the period's total; null where the total is zero. */
  shares: (number | null)[];
}

export interface CategoryTrends {
  /** The periods' first days (weeks: Mondays; months: first days), in order. */
  periods: string[];
  /** Low-score answers with a comment, by the comment's main category. */
  answers: { totals: number[]; series: CategorySeries[] };
  /** Complaints registered (every channel), by category. */
  complaints: { totals: number[]; series: CategorySeries[] };
  /** The week (Monday to Sunday) holding `to`, and its five most frequent categories of low answers. */
  week: { from: string; to: string; lowAnswers: number; top: TopCategory[] };
}

export interface TopCategory {
  category: string;
  lowAnswers: number;
  share: number | null;
  /** Low answers of the category the week before. */
  previous: number;
  complaints: number;
}

const TOP = 5;

/**
 * Category shares over time, for the dashboard and the weekly digest: the low answers' categories from
 * the daily rollups (whose category is the answers explorer's `category`, so a point and the explorer's
 * count agree), the complaints' from the register; the raw variant reads the responses instead (the
 * tests' and the bench's yardstick).
 */
@Injectable()
export class CategoryTrendQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly dashboards: DashboardQueries,
  ) {}

  async load(
    filters: DashboardFilters,
    timeZone: string,
    source: SumSource = 'rollup',
  ): Promise<CategoryTrends> {
    this.dashboards.validate(filters);
    const periods = periodStarts(filters.from, filters.to, filters.groupBy);
    const to = DateTime.fromISO(filters.to);
    const week = { from: to.startOf('week').toISODate()!, to: to.endOf('week').toISODate()! };
    const previous = {
      from: to.startOf('week').minus({ weeks: 1 }).toISODate()!,
      to: to.startOf('week').minus({ days: 1 }).toISODate()!,
    };
    const [answerRows, complaintRows, weekRows, previousRows, weekComplaints] = await Promise.all([
      this.lowAnswers(filters, filters.from, filters.to, filters.groupBy, timeZone, source),
      this.complaints(filters, filters.from, filters.to, filters.groupBy, timeZone),
      this.lowAnswers(filters, week.from, week.to, 'all', timeZone, source),
      this.lowAnswers(filters, previous.from, previous.to, 'all', timeZone, source),
      this.complaints(filters, week.from, week.to, 'all', timeZone),
    ]);
    const thisWeek = new Map(weekRows.map((r) => [r.category, r.n]));
    const lowAnswers = weekRows.reduce((sum, r) => sum + r.n, 0);
    const top = [...thisWeek.entries()]
      .map(([category, n]) => ({
        category,
        lowAnswers: n,
        share: percent(n, lowAnswers),
        previous: previousRows.find((r) => r.category === category)?.n ?? 0,
        complaints: weekComplaints.find((r) => r.category === category)?.n ?? 0,
      }))
      .sort(
        (a, b) =>
          b.lowAnswers - a.lowAnswers || b.complaints - a.complaints || a.category.localeCompare(b.category),
      )
      .slice(0, TOP);
    return {
      periods,
      answers: series(periods, answerRows),
      complaints: series(periods, complaintRows),
      week: { ...week, lowAnswers, top },
    };
  }

  /** Low answers with a category per period (or over the whole span: `all`) and category. */
  private async lowAnswers(
    filters: DashboardFilters,
    from: string,
    to: string,
    groupBy: 'week' | 'month' | 'all',
    timeZone: string,
    source: SumSource,
  ): Promise<Row[]> {
    const raw = source === 'raw';
    const day = raw ? `(r.submitted_at AT TIME ZONE $3::text)::date` : 'm.day';
    const params: unknown[] = [from, to, timeZone];
    const where = raw
      ? [
          `r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3::text)`,
          `r.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`,
          'r.low',
          'cardinality(r.tags) > 0',
        ]
      : ['m.day BETWEEN $1::date AND $2::date', '$3::text IS NOT NULL', `m.category <> ''`, 'm.low > 0'];
    const prefix = raw ? 'r' : 'm';
    for (const key of ['touchpoint', 'channel', 'product'] as const)
      if (filters[key]) where.push(`${prefix}.${key} = $${params.push(filters[key])}`);
    const sql = raw
      ? `SELECT ${periodKey(day, groupBy)} AS period, ${CATEGORY_SQL} AS category, count(*)::int AS n
           FROM response r WHERE ${where.join(' AND ')} GROUP BY 1, 2`
      : `SELECT ${periodKey(day, groupBy)} AS period, m.category, sum(m.low)::int AS n
           FROM metric_response_daily m WHERE ${where.join(' AND ')} GROUP BY 1, 2`;
    return this.db.query(sql, params);
  }

  /** Complaints registered per period (or `all`) and category, filtered as the dashboard's complaints are. */
  private async complaints(
    filters: DashboardFilters,
    from: string,
    to: string,
    groupBy: 'week' | 'month' | 'all',
    timeZone: string,
  ): Promise<Row[]> {
    const params: unknown[] = [from, to, timeZone];
    const where = [
      `c.registered_at >= ($1::date::timestamp AT TIME ZONE $3::text)`,
      `c.registered_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`,
      ...dimensionConditions(filters, params, COMPLAINT_COLUMNS),
    ];
    return this.db.query(
      `SELECT ${periodKey(`(c.registered_at AT TIME ZONE $3::text)::date`, groupBy)} AS period, c.category, count(*)::int AS n
         FROM ${COMPLAINTS_FROM} WHERE ${where.join(' AND ')} GROUP BY 1, 2`,
      params,
    );
  }
}

interface Row {
  period: string;
  category: string;
  n: number;
}

function periodKey(day: string, groupBy: 'week' | 'month' | 'all'): string {
  return groupBy === 'all' ? `'all'` : `to_char(date_trunc('${groupBy}', ${day}), 'YYYY-MM-DD')`;
}

/** The first day of every week or month the period touches. */
export function periodStarts(from: string, to: string, groupBy: 'week' | 'month'): string[] {
  const starts: string[] = [];
  const last = DateTime.fromISO(to);
  for (let at = DateTime.fromISO(from).startOf(groupBy); at <= last; at = at.plus({ [`${groupBy}s`]: 1 }))
    starts.push(at.toISODate()!);
  return starts;
}

function series(periods: string[], rows: Row[]): { totals: number[]; series: CategorySeries[] } {
  const index = new Map(periods.map((p, i) => [p, i]));
  const totals = periods.map(() => 0);
  const byCategory = new Map<string, number[]>();
  for (const row of rows) {
    const i = index.get(row.period);
    if (i === undefined) continue;
    totals[i]! += row.n;
    const counts = byCategory.get(row.category) ?? periods.map(() => 0);
    counts[i]! += row.n;
    byCategory.set(row.category, counts);
  }
  return {
    totals,
    series: [...byCategory.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, counts]) => ({
        category,
        counts,
        shares: counts.map((n, i) => percent(n, totals[i]!)),
      })),
  };
}
