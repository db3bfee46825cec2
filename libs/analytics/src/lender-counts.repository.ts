import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import {
  Clock,
  FieldError,
  isIsoDate,
  isPlainText,
  periodErrors,
  ValidationFailedException,
} from '@app/core';
import { Rows } from '@app/database';
import { DataSource } from 'typeorm';

/** What the lender counts itself, by the contract's names. */
export const COUNT_NAMES = ['applications', 'loans_issued', 'active_borrowers'] as const;
export type CountName = (typeof COUNT_NAMES)[number];
export const RATIO_GROUPS = ['day', 'week', 'month'] as const;
export type RatioGroup = (typeof RATIO_GROUPS)[number];

/** The largest figure a day may carry: far above any lender's day, far below int4's limit. */
export const MAX_COUNT = 1_000_000_000;
const MAX_DAYS = 3 * 366;

export interface DayCounts {
  date: string;
  product: string | null;
  counts: Partial<Record<CountName, number>>;
}

export interface RatioFilters {
  from: string;
  to: string;
  groupBy?: RatioGroup;
  product?: string;
}

export interface RatioItem {
  key: string;
  /** Contact events per application, over the days with applications posted. */
  contactsPerApplication: number | null;
  /** Complaints registered (every channel) per 1,000 loans issued: the Bank of Russia's yardstick. */
  complaintsPer1000Loans: number | null;
  lowScoresPer1000Loans: number | null;
  contacts: number;
  responses: number;
  lowScores: number;
  complaints: number;
  applications: number | null;
  loansIssued: number | null;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * The lender's own daily counts (table `lender_count_daily`, owned here) and the ratios read against
 * them. A day's figures for a product replace what was posted before; `product` null is the lender as a
 * whole, and without a product filter a day reads its whole-lender row when posted, else the sum of its
 * products' rows.
 */
@Injectable()
export class LenderCounts {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async replaceDay(actor: Actor, input: DayCounts): Promise<DayCounts> {
    const day = this.checked(input, '');
    await this.write(actor, [day], { date: day.date, product: day.product, counts: day.counts });
    return day;
  }

  /** Many days at once (the demo's history): one statement and one audit entry. */
  async replaceDays(actor: Actor, inputs: DayCounts[]): Promise<void> {
    const days = inputs.map((input, i) => this.checked(input, `${i}.`));
    if (days.length === 0) return;
    const dates = days.map((d) => d.date).sort();
    await this.write(actor, days, { days: days.length, from: dates[0], to: dates[dates.length - 1] });
  }

  /** The day as stored (only the figures given), or a refusal naming each mistake under `prefix`. */
  private checked(input: DayCounts, prefix: string): DayCounts {
    const errors: FieldError[] = [];
    const path = (name: string) => `${prefix}${name}`;
    if (!isIsoDate(input.date)) errors.push({ path: path('date'), message: 'must be a date YYYY-MM-DD' });
    else {
      const today = DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone }).toISODate()!;
      if (input.date > today) errors.push({ path: path('date'), message: 'must not be in the future' });
      if (input.date < '2000-01-01')
        errors.push({ path: path('date'), message: 'must not be before 2000-01-01' });
    }
    if (input.product !== null && (!isPlainText(input.product, 'identifier') || input.product.length > 100))
      errors.push({ path: path('product'), message: 'must be 1 to 100 characters, or null' });
    const given = COUNT_NAMES.filter((name) => input.counts[name] !== undefined);
    if (given.length === 0)
      errors.push({ path: path('counts'), message: `must give at least one of ${COUNT_NAMES.join(', ')}` });
    for (const name of given) {
      const value = input.counts[name];
      if (!Number.isInteger(value) || value! < 0 || value! > MAX_COUNT)
        errors.push({
          path: path(`counts.${name}`),
          message: `must be a whole number from 0 to ${MAX_COUNT}`,
        });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return {
      date: input.date,
      product: input.product,
      counts: Object.fromEntries(given.map((name) => [name, input.counts[name]!])),
    };
  }

  private async write(actor: Actor, days: DayCounts[], details: Record<string, unknown>): Promise<void> {
    const rows = new Rows<{
      day: string;
      product: string | null;
      applications: number | null;
      loans_issued: number | null;
      active_borrowers: number | null;
    }>({
      day: 'date',
      product: 'text',
      applications: 'int4',
      loans_issued: 'int4',
      active_borrowers: 'int4',
    });
    for (const d of days)
      rows.push({
        day: d.date,
        product: d.product,
        applications: d.counts.applications ?? null,
        loans_issued: d.counts.loans_issued ?? null,
        active_borrowers: d.counts.active_borrowers ?? null,
      });
    // $1 now, $2 who; then one array per column.
    const params: unknown[] = [this.clock.now(), `${actor.type}:${actor.id}`];
    const source = rows.unnest(params, 'u');
    await this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO lender_count_daily (${rows.columns}, updated_at, updated_by)
         SELECT ${rows.columns}, $1, $2 FROM ${source}
         ON CONFLICT ON CONSTRAINT lender_count_daily_day_product_key DO UPDATE
            SET applications = EXCLUDED.applications, loans_issued = EXCLUDED.loans_issued,
                active_borrowers = EXCLUDED.active_borrowers, updated_at = EXCLUDED.updated_at,
                updated_by = EXCLUDED.updated_by`,
        params,
      );
      await this.audit.record(
        actor,
        { action: 'lender_count.replaced', entityType: 'lender_count', details },
        manager,
      );
    });
  }

  /** Ratios per day, week (its Monday) or month of the period, in the lender's zone. */
  async ratios(filters: RatioFilters): Promise<{ items: RatioItem[] }> {
    this.validate(filters);
    return { items: await this.read(filters, filters.groupBy ?? 'day') };
  }

  /** The dashboard's panel: the ratios per week or month and over the whole period (key `all`). */
  async ratiosWithTotal(filters: RatioFilters): Promise<{ items: RatioItem[]; total: RatioItem }> {
    this.validate(filters);
    const [items, [total]] = await Promise.all([
      this.read(filters, filters.groupBy ?? 'day'),
      this.read(filters, 'all'),
    ]);
    return { items, total: total! };
  }

  private validate(filters: RatioFilters): void {
    const groupBy = filters.groupBy ?? 'day';
    const errors = periodErrors(filters, MAX_DAYS);
    if (!(RATIO_GROUPS as readonly string[]).includes(groupBy))
      errors.push({ path: 'groupBy', message: `must be one of ${RATIO_GROUPS.join(', ')}` });
    if (
      filters.product !== undefined &&
      (!isPlainText(filters.product, 'identifier') || filters.product.length > 100)
    )
      errors.push({ path: 'product', message: 'must be 1 to 100 characters' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
  }

  private async read(filters: RatioFilters, groupBy: RatioGroup | 'all'): Promise<RatioItem[]> {
    // $1 from, $2 to, $3 the lender's zone, $4 the product (null: every product).
    const params = [filters.from, filters.to, this.config.lenderTimeZone, filters.product ?? null];
    const key =
      groupBy === 'all'
        ? `'all'`
        : groupBy === 'day'
          ? `to_char(d.day, 'YYYY-MM-DD')`
          : `to_char(date_trunc('${groupBy}', d.day), 'YYYY-MM-DD')`;
    const period = (column: string) =>
      `${column} >= ($1::date::timestamp AT TIME ZONE $3::text) AND ${column} < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`;
    const localDay = (column: string) => `(${column} AT TIME ZONE $3::text)::date`;
    const rows: Record<string, string | null>[] = await this.db.query(
      `WITH posted AS (
         SELECT day,
                CASE WHEN $4::text IS NULL AND bool_or(product IS NULL)
                     THEN sum(applications) FILTER (WHERE product IS NULL) ELSE sum(applications) END AS applications,
                CASE WHEN $4::text IS NULL AND bool_or(product IS NULL)
                     THEN sum(loans_issued) FILTER (WHERE product IS NULL) ELSE sum(loans_issued) END AS loans_issued
           FROM lender_count_daily
          WHERE day BETWEEN $1::date AND $2::date AND ($4::text IS NULL OR product = $4::text)
          GROUP BY day),
       contacts AS (
         SELECT ${localDay('occurred_at')} AS day, count(*) AS n FROM contact_event
          WHERE ${period('occurred_at')} AND ($4::text IS NULL OR product = $4::text) GROUP BY 1),
       answers AS (
         SELECT day, sum(responses) AS n, sum(low) AS low FROM metric_response_daily
          WHERE day BETWEEN $1::date AND $2::date AND ($4::text IS NULL OR product = $4::text) GROUP BY day),
       complaints AS (
         SELECT ${localDay('c.registered_at')} AS day, count(*) AS n
           FROM complaint c
           LEFT JOIN contact_event ce ON ce.id = c.contact_event_id
           LEFT JOIN callback_task t ON t.id = c.task_id
           LEFT JOIN response r ON r.id = t.response_id
          WHERE ${period('c.registered_at')} AND ($4::text IS NULL OR coalesce(c.product, ce.product, r.product) = $4::text)
          GROUP BY 1)
       SELECT ${key} AS key,
              coalesce(sum(contacts.n), 0) AS contacts,
              coalesce(sum(answers.n), 0) AS responses,
              coalesce(sum(answers.low), 0) AS low_scores,
              coalesce(sum(complaints.n), 0) AS complaints,
              sum(posted.applications) AS applications,
              sum(posted.loans_issued) AS loans_issued,
              sum(contacts.n) FILTER (WHERE posted.applications IS NOT NULL) AS contacts_counted,
              sum(complaints.n) FILTER (WHERE posted.loans_issued IS NOT NULL) AS complaints_counted,
              sum(answers.low) FILTER (WHERE posted.loans_issued IS NOT NULL) AS low_counted
         FROM generate_series($1::date, $2::date, interval '1 day') AS d(day)
         LEFT JOIN posted ON posted.day = d.day
         LEFT JOIN contacts ON contacts.day = d.day
         LEFT JOIN answers ON answers.day = d.day
         LEFT JOIN complaints ON complaints.day = d.day
        GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((row) => {
      const applications = row.applications === null ? null : Number(row.applications);
      const loans = row.loans_issued === null ? null : Number(row.loans_issued);
      const per = (count: string | null, base: number | null, scale: number) =>
        base ? round2((Number(count ?? 0) * scale) / base) : null;
      return {
        key: row.key!,
        contactsPerApplication: per(row.contacts_counted, applications, 1),
        complaintsPer1000Loans: per(row.complaints_counted, loans, 1000),
        lowScoresPer1000Loans: per(row.low_counted, loans, 1000),
        contacts: Number(row.contacts),
        responses: Number(row.responses),
        lowScores: Number(row.low_scores),
        complaints: Number(row.complaints),
        applications,
        loansIssued: loans,
      };
    });
  }
}
