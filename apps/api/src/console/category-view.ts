import type { CategorySeries, CategoryTrends, DashboardFilters } from '@app/analytics';
import { ChartSpec, periodLabel } from './dashboard-view';

/** One colour per comment category, the same in every chart. */
const CATEGORY_COLORS: Record<string, string> = {
  incorrect_consultation: '#1f5fbf',
  product_terms: '#f79009',
  payments: '#12b76a',
  app_website: '#7a5af8',
  collection_conduct: '#f04438',
  personal_data: '#0ba5ec',
  other: '#98a2b3',
};

type Words = (key: string, count?: number) => string;

/**
 * Category shares on the dashboard: each category's share of the low answers (with a comment) and of
 * the complaints per week or month, and the week's five most frequent categories, each linked to the
 * answers explorer showing exactly the answers it counts.
 */
export function categoryView(
  trends: CategoryTrends,
  filters: DashboardFilters,
  words: Words,
  locale: 'ru' | 'en',
): {
  charts: { answerShares: ChartSpec | null; complaintShares: ChartSpec | null };
  week: { from: string; to: string; lowAnswers: number };
  top: {
    category: string;
    name: string;
    lowAnswers: number;
    share: number | null;
    previous: number;
    change: number;
    complaints: number;
    href: string;
  }[];
} {
  const labels = trends.periods.map((p) => periodLabel(p, filters.groupBy, locale));
  const shareChart = (data: { totals: number[]; series: CategorySeries[] }): ChartSpec | null =>
    data.totals.every((n) => n === 0)
      ? null
      : {
          type: 'line',
          labels,
          counts: data.totals,
          countLabel: words('dashboard.categoryBase'),
          datasets: data.series.map((s) => ({
            label: words(`category.${s.category}`),
            data: s.shares,
            borderColor: CATEGORY_COLORS[s.category] ?? '#667085',
            backgroundColor: CATEGORY_COLORS[s.category] ?? '#667085',
          })),
          scales: { y: { min: 0, max: 100 } },
        };
  const dims: Record<string, string> = {};
  for (const key of ['touchpoint', 'channel', 'product'] as const) if (filters[key]) dims[key] = filters[key];
  return {
    charts: { answerShares: shareChart(trends.answers), complaintShares: shareChart(trends.complaints) },
    week: { from: trends.week.from, to: trends.week.to, lowAnswers: trends.week.lowAnswers },
    top: trends.week.top.map((c) => ({
      ...c,
      name: words(`category.${c.category}`),
      change: c.lowAnswers - c.previous,
      href: `/console/responses?${new URLSearchParams({
        from: trends.week.from,
        to: trends.week.to,
        ...dims,
        category: c.category,
        low: 'true',
      })}`,
    })),
  };
}
