import { addSums, computeMetric, EMPTY_SUMS, percent, ScoreSums } from './metrics';

const sums = (values: number[], kind: 'CSI' | 'NPS' | 'CLI'): ScoreSums =>
  values.reduce<ScoreSums>(
    (acc, v) =>
      addSums(acc, {
        responses: 1,
        scoreSum: v,
        top2: kind === 'CSI' && v >= 4 ? 1 : 0,
        promoters: kind !== 'CSI' && v >= 9 ? 1 : 0,
        passives: kind !== 'CSI' && v >= 7 && v < 9 ? 1 : 0,
        detractors: kind !== 'CSI' && v <= 6 ? 1 : 0,
      }),
    EMPTY_SUMS,
  );

describe('computeMetric', () => {
  it('CSI is the mean rating and CSAT the share of 4–5', () => {
    expect(computeMetric('CSI', sums([5, 4, 3, 1], 'CSI'))).toEqual({ responses: 4, csi: 3.25, csat: 50 });
  });

  it('NPS with only passives is 0', () => {
    expect(computeMetric('NPS', sums([7, 8, 7], 'NPS')).nps).toBe(0);
  });

  it('NPS is % promoters minus % detractors', () => {
    // 3 promoters, 1 passive, 2 detractors of 6 → 50 % − 33.3 % = 16.7
    expect(computeMetric('NPS', sums([10, 9, 9, 8, 6, 0], 'NPS'))).toEqual({
      responses: 6,
      nps: 16.7,
      promoters: 3,
      passives: 1,
      detractors: 2,
    });
  });

  it('NPS spans −100 (all detractors) to 100 (all promoters)', () => {
    expect(computeMetric('NPS', sums([0, 3, 6], 'NPS')).nps).toBe(-100);
    expect(computeMetric('NPS', sums([9, 10], 'NPS')).nps).toBe(100);
  });

  it('CLI is the mean of the per-response means', () => {
    expect(computeMetric('CLI', sums([8.67, 5.33], 'CLI')).cli).toBe(7);
  });

  it('combines groups from their sums, not by averaging their percentages', () => {
    const a = sums([10, 10, 10, 0], 'NPS'); // NPS 50 over 4
    const b = sums([0], 'NPS'); // NPS −100 over 1
    expect(computeMetric('NPS', addSums(a, b)).nps).toBe(20); // (3 − 2) / 5, not (50 − 100) / 2
  });

  it('has no value for a group nobody answered', () => {
    expect(computeMetric('CSI', EMPTY_SUMS)).toEqual({ responses: 0, csi: null, csat: null });
    expect(percent(1, 0)).toBeNull();
  });
});
