import { Controller, Get, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import {
  CategoryTrendQueries,
  CategoryTrends,
  Dashboard,
  DashboardFilters,
  DashboardQueries,
  comparedPeriod,
  LenderCounts,
  MetricTargets,
  RatioItem,
} from '@app/analytics';
import { AppConfig } from '@app/config';
import { Clock, DomainException } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { categoryView } from './category-view';
import { dashboardView, TileComparisons } from './dashboard-view';
import { queryText } from './forms';
import { formatNumber, pluralKey } from './numbers';

/** Managers' view: CSI, CSAT, NPS and CLI trends and breakdowns, the funnel, callback SLA and complaints. */
@Console('expert', 'compliance', 'admin')
@Controller('console/dashboard')
export class DashboardController {
  constructor(
    private readonly dashboards: DashboardQueries,
    private readonly counts: LenderCounts,
    private readonly categories: CategoryTrendQueries,
    private readonly targets: MetricTargets,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async show(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const today = DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone });
    const filters: DashboardFilters = {
      from: queryText(query, 'from', 10) ?? today.minus({ days: 89 }).toISODate()!,
      to: queryText(query, 'to', 10) ?? today.toISODate()!,
      touchpoint: queryText(query, 'touchpoint', 50),
      channel: queryText(query, 'channel', 20),
      product: queryText(query, 'product', 50),
      groupBy: queryText(query, 'groupBy', 10) === 'month' ? 'month' : 'week',
    };
    const locale = session.user.locale;
    const frame = {
      session,
      locale,
      section: 'dashboard',
      title: this.pages.text(locale, 'dashboard.title'),
      charts: true,
    };
    let data: Dashboard;
    let ratios: { items: RatioItem[]; total: RatioItem };
    let trends: CategoryTrends;
    let comparisons: TileComparisons;
    try {
      [data, trends] = await Promise.all([
        this.dashboards.load(filters, this.config.lenderTimeZone, this.clock.now()),
        this.categories.load(filters, this.config.lenderTimeZone),
      ]);
      // The lender's counts know only days and products: touchpoint and channel do not narrow them.
      ratios = await this.counts.ratiosWithTotal({
        from: filters.from,
        to: filters.to,
        groupBy: filters.groupBy,
        product: filters.product,
      });
      const zone = this.config.lenderTimeZone;
      const [previous, lastYear, targets] = await Promise.all([
        this.dashboards.totals(filters, comparedPeriod(filters, 'previous'), zone),
        this.dashboards.totals(filters, comparedPeriod(filters, 'year'), zone),
        this.targets.forPeriodAll(filters),
      ]);
      comparisons = { previous, lastYear, targets };
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'dashboard', frame, {
        filters,
        data: null,
        errors: error.errors ?? null,
      });
    }
    // A word, or a count with its word in the right plural form ("13 ответов").
    const words = (key: string, count?: number) =>
      count === undefined
        ? this.pages.text(locale, key)
        : `${formatNumber(count, locale)} ${this.pages.optionalText(locale, pluralKey(key, count, locale)) ?? this.pages.text(locale, `${key}.other`)}`;
    this.pages.send(reply, 200, 'dashboard', frame, {
      filters,
      data,
      ...dashboardView(data, filters, words, locale, session.user.role !== 'compliance', comparisons),
      categories: categoryView(trends, filters, words, locale),
      ratios: { ...ratios, posted: ratios.total.applications !== null || ratios.total.loansIssued !== null },
      errors: null,
    });
  }
}
