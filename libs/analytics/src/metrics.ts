/** Counts and sums of one group of responses: what rollups keep, what every metric is computed from. */
export interface ScoreSums {
  responses: number;
  scoreSum: number;
  /** CSI answers of 4 or 5. */
  top2: number;
  /** 0–10 answers: 9–10, 7–8 and 0–6. */
  promoters: number;
  passives: number;
  detractors: number;
}

export type SurveyKind = 'CSI' | 'NPS' | 'CLI';

export interface Metric {
  responses: number;
  csi?: number | null;
  csat?: number | null;
  nps?: number | null;
  cli?: number | null;
  promoters?: number;
  passives?: number;
  detractors?: number;
}

export const EMPTY_SUMS: ScoreSums = {
  responses: 0,
  scoreSum: 0,
  top2: 0,
  promoters: 0,
  passives: 0,
  detractors: 0,
};

export function addSums(a: ScoreSums, b: ScoreSums): ScoreSums {
  return {
    responses: a.responses + b.responses,
    scoreSum: a.scoreSum + b.scoreSum,
    top2: a.top2 + b.top2,
    promoters: a.promoters + b.promoters,
    passives: a.passives + b.passives,
    detractors: a.detractors + b.detractors,
  };
}

export const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The metric of a kind from its sums (design.md "Metrics"): CSI is the mean 1–5 rating and CSAT the
 * share of 4–5; NPS is % promoters − % detractors; CLI the mean of the three 0–10 answers. Always
 * from counts, never by averaging percentages, so groups combine exactly. Null when nobody answered.
 */
export function computeMetric(kind: SurveyKind, sums: ScoreSums): Metric {
  const n = sums.responses;
  if (kind === 'CSI')
    return {
      responses: n,
      csi: n ? round(sums.scoreSum / n, 2) : null,
      csat: n ? round((100 * sums.top2) / n, 1) : null,
    };
  if (kind === 'NPS')
    return {
      responses: n,
      nps: n ? round((100 * (sums.promoters - sums.detractors)) / n, 1) : null,
      promoters: sums.promoters,
      passives: sums.passives,
      detractors: sums.detractors,
    };
  return { responses: n, cli: n ? round(sums.scoreSum / n, 2) : null };
}

/** A share in percent with one decimal, null for an empty base. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? round((100 * part) / whole, 1) : null;
}
