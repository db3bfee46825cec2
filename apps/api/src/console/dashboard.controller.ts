import { Controller, Get, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Dashboard, DashboardFilters, DashboardQueries, Metric, SurveyKind } from '@app/analytics';
import { AppConfig } from '@app/config';
import { Clock, DomainException } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleLocale, ConsoleRenderer } from './console-renderer.service';
import { queryText } from './forms';

interface ChartSpec {
  type: 'line' | 'bar';
  labels: string[];
  datasets: {
    label: string;
    data: (number | null)[];
    yAxisID?: string;
    backgroundColor?: string;
    borderColor?: string;
  }[];
  horizontal?: boolean;
  scales?: Record<string, unknown>;
}

const COLORS = ['#1f5fbf', '#f79009', '#12b76a', '#7a5af8', '#f04438'];

/** Managers' view: CSI, CSAT, NPS and CLI trends and breakdowns, the funnel, callback SLA and complaints. */
@Console('expert', 'compliance', 'admin')
@Controller('console/dashboard')
export class DashboardController {
  constructor(
    private readonly dashboards: DashboardQueries,
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
    try {
      data = await this.dashboards.load(filters, this.config.lenderTimeZone, this.clock.now());
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'dashboard', frame, {
        filters,
        data: null,
        charts: null,
        errors: error.errors ?? null,
      });
    }
    this.pages.send(reply, 200, 'dashboard', frame, {
      filters,
      data,
      charts: this.charts(data, locale),
      errors: null,
    });
  }

  private charts(data: Dashboard, locale: ConsoleLocale): Record<string, ChartSpec> {
    const t = (key: string) => this.pages.text(locale, key);
    const periods = data.trend.map((p) => p.period);
    const series = (kind: SurveyKind, metric: keyof Metric) =>
      data.trend.map((p) => (p.metrics[kind][metric] as number | null | undefined) ?? null);
    const breakdown = (groups: Dashboard['byTouchpoint'], prefix: string): ChartSpec => ({
      type: 'bar',
      labels: groups.map((g) => t(`${prefix}.${g.key}`)),
      datasets: [
        { label: 'CSAT %', data: groups.map((g) => g.metrics.CSI.csat ?? null), backgroundColor: COLORS[0] },
        { label: 'NPS', data: groups.map((g) => g.metrics.NPS.nps ?? null), backgroundColor: COLORS[1] },
      ],
    });
    return {
      csi: {
        type: 'line',
        labels: periods,
        datasets: [
          {
            label: 'CSI (1–5)',
            data: series('CSI', 'csi'),
            yAxisID: 'y',
            borderColor: COLORS[0],
            backgroundColor: COLORS[0],
          },
          {
            label: 'CSAT %',
            data: series('CSI', 'csat'),
            yAxisID: 'y1',
            borderColor: COLORS[1],
            backgroundColor: COLORS[1],
          },
        ],
        scales: {
          y: { min: 1, max: 5, position: 'left' },
          y1: { min: 0, max: 100, position: 'right', grid: { drawOnChartArea: false } },
        },
      },
      nps: {
        type: 'line',
        labels: periods,
        datasets: [
          { label: 'NPS', data: series('NPS', 'nps'), borderColor: COLORS[1], backgroundColor: COLORS[1] },
        ],
        scales: { y: { min: -100, max: 100 } },
      },
      cli: {
        type: 'line',
        labels: periods,
        datasets: [
          {
            label: 'CLI (0–10)',
            data: series('CLI', 'cli'),
            borderColor: COLORS[3],
            backgroundColor: COLORS[3],
          },
        ],
        scales: { y: { min: 0, max: 10 } },
      },
      touchpoint: breakdown(data.byTouchpoint, 'touchpoint'),
      channel: breakdown(data.byChannel, 'channel'),
      product: breakdown(data.byProduct, 'product'),
      funnel: {
        type: 'bar',
        labels: [t('funnel.scheduled'), t('funnel.sent'), t('funnel.delivered'), t('funnel.answered')],
        datasets: [
          {
            label: t('funnel.title'),
            data: [data.funnel.scheduled, data.funnel.sent, data.funnel.delivered, data.funnel.answered],
            backgroundColor: COLORS[0],
          },
        ],
        horizontal: true,
      },
      categories: {
        type: 'bar',
        labels: data.categories.map((c) => t(`category.${c.category}`)),
        datasets: [
          {
            label: t('dashboard.thisWeek'),
            data: data.categories.map((c) => c.thisWeek),
            backgroundColor: COLORS[4],
          },
          {
            label: t('dashboard.lastWeek'),
            data: data.categories.map((c) => c.lastWeek),
            backgroundColor: '#98a2b3',
          },
        ],
        horizontal: true,
      },
    };
  }
}
