import { DateTime } from 'luxon';
import { MIN_SIGNIFICANT_ANSWERS } from '@app/analytics';
import type { Dashboard, DashboardFilters, Metric, SurveyKind } from '@app/analytics';

export interface ChartSpec {
  type: 'line' | 'bar';
  labels: string[];
  datasets: {
    label: string;
    data: (number | null)[];
    yAxisID?: string;
    backgroundColor?: string;
    borderColor?: string;
    borderDash?: number[];
    pointRadius?: number;
  }[];
  /** The answers behind each label, shown in the tooltip: a swing on five answers reads as one. */
  counts?: number[];
  countLabel?: string;
  horizontal?: boolean;
  scales?: Record<string, unknown>;
}

/** A figure on the dashboard and where it comes from: the queue or the register, filtered the same way. */
export interface Tile {
  id: string;
  value: number | null;
  unit: string;
  caption: string;
  /** "on 13 answers": what the figure stands on. */
  basis: string | null;
  href: string | null;
  bad: boolean;
  /** The target set for this figure and period, and how far the figure is from it. */
  target: number | null;
  gap: number | null;
  /** The change against the period before and the same period a year earlier, where both have answers. */
  changes: { label: string; value: number }[];
}

/** What the tiles compare their figures with. */
export interface TileComparisons {
  previous: Record<SurveyKind, Metric>;
  lastYear: Record<SurveyKind, Metric>;
  targets: { metric: string; value: number }[];
}

const COLORS = ['#1f5fbf', '#f79009', '#12b76a', '#7a5af8', '#f04438'];

type Words = (key: string, count?: number) => string;

/**
 * The dashboard as the page shows it: tiles that open the queue or the register with the same filters,
 * charts whose points carry the number of answers behind them, and every breakdown for all four metrics.
 */
export function dashboardView(
  data: Dashboard,
  filters: DashboardFilters,
  words: Words,
  locale: 'ru' | 'en',
  /** Compliance does not open the queue: its tiles link nowhere for them. */
  seesQueue: boolean,
  comparisons: TileComparisons,
): { tiles: Tile[]; charts: Record<string, ChartSpec | null>; trend: object[]; breakdowns: object[] } {
  const dims = new URLSearchParams();
  for (const key of ['touchpoint', 'channel', 'product'] as const)
    if (filters[key]) dims.set(key, filters[key]);
  const queue = (extra: Record<string, string>) =>
    seesQueue
      ? `/console/queue?${new URLSearchParams({ tab: 'all', ...extra, ...Object.fromEntries(dims) })}`
      : null;
  // The register has no survey dimensions: its links carry the period only.
  const register = (extra: Record<string, string> = {}) =>
    `/console/complaints?${new URLSearchParams({ from: filters.from, to: filters.to, ...extra })}`;
  const answers = (n: number) => (n > 0 ? words('dashboard.answerCount', n) : null);
  const { totals, funnel, callbacks, complaints, recovery } = data;
  const metric = (kind: SurveyKind, key: keyof Metric) =>
    totals[kind].responses > 0 ? ((totals[kind][key] as number | null) ?? null) : null;
  // A survey figure with its target's gap and its change against the period before and a year earlier.
  const figure = (id: string, kind: SurveyKind, key: keyof Metric, unit: string, name: string): Tile => {
    const value = metric(kind, key);
    const then = (earlier: Record<SurveyKind, Metric>) =>
      earlier[kind].responses > 0 ? ((earlier[kind][key] as number | null) ?? null) : null;
    const target = comparisons.targets.find((t) => t.metric === name)?.value ?? null;
    const changes = (
      [
        ['dashboard.vsPrevious', then(comparisons.previous)],
        ['dashboard.vsYear', then(comparisons.lastYear)],
      ] as const
    )
      .filter(([, before]) => value !== null && before !== null)
      .map(([label, before]) => ({ label: words(label), value: round(value! - before!) }));
    return {
      ...tile(id, value, unit, words(`metric.${name}`), answers(totals[kind].responses), null),
      target,
      gap: target !== null && value !== null ? round(value - target) : null,
      bad: target !== null && value !== null && value < target,
      changes,
    };
  };
  const tiles: Tile[] = [
    figure('csi', 'CSI', 'csi', '', 'CSI'),
    figure('csat', 'CSI', 'csat', ' %', 'CSAT'),
    figure('nps', 'NPS', 'nps', '', 'NPS'),
    figure('cli', 'CLI', 'cli', '', 'CLI'),
    tile(
      'response-rate',
      funnel.sent > 0 ? funnel.responseRate : null,
      ' %',
      words('dashboard.responseRate'),
      funnel.sent > 0 ? words('dashboard.sentCount', funnel.sent) : null,
      null,
    ),
    tile(
      'callback-sla',
      callbacks.firstContactOnTime,
      ' %',
      words('dashboard.firstContactOnTime'),
      callbacks.avgHoursToFirstContact === null
        ? null
        : `${words('dashboard.average')} ${words('dashboard.hoursCount', callbacks.avgHoursToFirstContact)}`,
      null,
    ),
    tile('reach', callbacks.reachRate, ' %', words('dashboard.reachRate'), null, null),
    {
      ...tile(
        'overdue-callbacks',
        callbacks.overdueNow,
        '',
        words('dashboard.overdueNow'),
        null,
        queue({ overdue: '1' }),
      ),
      bad: callbacks.overdueNow > 0,
    },
    tile('complaints', complaints.registered, '', words('dashboard.registered'), null, register()),
    tile('per-100-low', complaints.per100Low, '', words('dashboard.per100Low'), null, null),
    tile(
      'justified',
      complaints.justifiedShare,
      ' %',
      words('dashboard.justifiedShare'),
      null,
      register({ classification: 'justified' }),
    ),
    {
      ...tile(
        'on-time',
        complaints.onTimeShare,
        ' %',
        words('dashboard.onTime'),
        complaints.overdueOpen > 0 ? words('dashboard.overdueOpenCount', complaints.overdueOpen) : null,
        complaints.overdueOpen > 0
          ? '/console/complaints/work?view=overdue'
          : register({ status: 'resolved' }),
      ),
      bad: complaints.overdueOpen > 0,
    },
    tile(
      'recovery',
      recovery.followed > 0 ? recovery.share : null,
      ' %',
      words('dashboard.recovery'),
      recovery.followed > 0 ? words('dashboard.followedCount', recovery.followed) : null,
      null,
    ),
  ];

  const periods = data.trend.map((p) => periodLabel(p.period, filters.groupBy, locale));
  // A point on too few answers is left out of the line (its count still shows in the table).
  const series = (kind: SurveyKind, key: keyof Metric) =>
    data.trend.map((p) =>
      p.metrics[kind].responses >= MIN_SIGNIFICANT_ANSWERS
        ? ((p.metrics[kind][key] as number | null) ?? null)
        : null,
    );
  const counts = (kind: SurveyKind) => data.trend.map((p) => p.metrics[kind].responses);
  // The figure's target as a dashed line, when one is set for the period.
  const targetLine = (name: string, yAxisID?: string) => {
    const target = comparisons.targets.find((t) => t.metric === name)?.value;
    return target === undefined
      ? []
      : [
          {
            label: `${words('dashboard.target')} ${words(`metric.${name}`)}`,
            data: periods.map(() => target),
            borderColor: '#667085',
            backgroundColor: '#667085',
            borderDash: [6, 4],
            pointRadius: 0,
            ...(yAxisID ? { yAxisID } : {}),
          },
        ];
  };
  const line = (kind: SurveyKind, spec: Omit<ChartSpec, 'labels' | 'counts' | 'countLabel' | 'type'>) =>
    counts(kind).some((n) => n > 0)
      ? {
          type: 'line' as const,
          labels: periods,
          counts: counts(kind),
          countLabel: words('dashboard.answersLabel'),
          ...spec,
        }
      : null;
  const breakdownChart = (groups: Dashboard['byTouchpoint'], prefix: string): ChartSpec | null =>
    groups.length === 0
      ? null
      : {
          type: 'bar',
          labels: groups.map((g) => words(`${prefix}.${g.key}`)),
          datasets: [
            {
              label: `${words('metric.CSAT')} %`,
              data: groups.map((g) => g.metrics.CSI.csat ?? null),
              backgroundColor: COLORS[0],
            },
            {
              label: words('metric.NPS'),
              data: groups.map((g) => g.metrics.NPS.nps ?? null),
              backgroundColor: COLORS[1],
            },
          ],
        };
  const charts: Record<string, ChartSpec | null> = {
    csi: line('CSI', {
      datasets: [
        {
          label: `${words('metric.CSI')} (1–5)`,
          data: series('CSI', 'csi'),
          yAxisID: 'y',
          borderColor: COLORS[0],
          backgroundColor: COLORS[0],
        },
        {
          label: `${words('metric.CSAT')} %`,
          data: series('CSI', 'csat'),
          yAxisID: 'y1',
          borderColor: COLORS[1],
          backgroundColor: COLORS[1],
        },
        ...targetLine('CSI', 'y'),
        ...targetLine('CSAT', 'y1'),
      ],
      scales: {
        y: { min: 1, max: 5, position: 'left' },
        y1: { min: 0, max: 100, position: 'right', grid: { drawOnChartArea: false } },
      },
    }),
    nps: line('NPS', {
      datasets: [
        {
          label: words('metric.NPS'),
          data: series('NPS', 'nps'),
          borderColor: COLORS[1],
          backgroundColor: COLORS[1],
        },
        ...targetLine('NPS'),
      ],
      scales: { y: { min: -100, max: 100 } },
    }),
    cli: line('CLI', {
      datasets: [
        {
          label: `${words('metric.CLI')} (0–10)`,
          data: series('CLI', 'cli'),
          borderColor: COLORS[3],
          backgroundColor: COLORS[3],
        },
        ...targetLine('CLI'),
      ],
      scales: { y: { min: 0, max: 10 } },
    }),
    touchpoint: breakdownChart(data.byTouchpoint, 'touchpoint'),
    channel: breakdownChart(data.byChannel, 'channel'),
    product: breakdownChart(data.byProduct, 'product'),
    funnel:
      funnel.scheduled + funnel.sent === 0
        ? null
        : {
            type: 'bar',
            labels: [
              words('funnel.scheduled'),
              words('funnel.sent'),
              words('funnel.delivered'),
              words('funnel.opened'),
              words('funnel.answered'),
            ],
            datasets: [
              {
                label: words('funnel.title'),
                data: [funnel.scheduled, funnel.sent, funnel.delivered, funnel.opened, funnel.answered],
                backgroundColor: COLORS[0],
              },
            ],
            horizontal: true,
          },
    categories:
      data.categories.length === 0
        ? null
        : {
            type: 'bar',
            labels: data.categories.map((c) => words(`category.${c.category}`)),
            datasets: [
              {
                label: words('dashboard.thisPeriod'),
                data: data.categories.map((c) => c.thisWeek),
                backgroundColor: COLORS[4],
              },
              {
                label: words('dashboard.previousPeriod'),
                data: data.categories.map((c) => c.lastWeek),
                backgroundColor: '#98a2b3',
              },
            ],
            horizontal: true,
          },
  };
  const trend = data.trend.map((p, i) => ({
    period: periods[i],
    metrics: p.metrics,
    thin: Object.fromEntries(
      (['CSI', 'NPS', 'CLI'] as const).map((k) => [
        k,
        p.metrics[k].responses > 0 && p.metrics[k].responses < MIN_SIGNIFICANT_ANSWERS,
      ]),
    ),
  }));
  const breakdowns = (
    [
      ['touchpoint', 'dashboard.byTouchpoint', data.byTouchpoint],
      ['channel', 'dashboard.byChannel', data.byChannel],
      ['product', 'dashboard.byProduct', data.byProduct],
    ] as const
  ).map(([prefix, title, groups]) => ({
    id: prefix,
    title: words(title),
    chart: charts[prefix],
    rows: groups.map((g) => ({ name: words(`${prefix}.${g.key}`), metrics: g.metrics })),
  }));
  return { tiles, charts, trend, breakdowns };
}

function tile(
  id: string,
  value: number | null,
  unit: string,
  caption: string,
  basis: string | null,
  href: string | null,
): Tile {
  return { id, value, unit, caption, basis, href, bad: false, target: null, gap: null, changes: [] };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** A period's first day as the reader names it: the week "16.11", the month "ноябрь 2026". */
export function periodLabel(day: string, groupBy: 'week' | 'month', locale: 'ru' | 'en'): string {
  const date = DateTime.fromISO(day, { zone: 'UTC', locale: locale === 'ru' ? 'ru' : 'en-GB' });
  if (!date.isValid) return day;
  return groupBy === 'month' ? date.toFormat('LLLL yyyy') : date.toFormat('dd.MM');
}
