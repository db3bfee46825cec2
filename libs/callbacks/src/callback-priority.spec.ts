import { callbackPriority, REGULATOR_MENTION_BOOST } from './callback-priority';

describe('callbackPriority', () => {
  it('ranks a lower score higher on the same scale', () => {
    const csi = (score: number) =>
      callbackPriority({ score, min: 1, max: 5, threshold: 3, earlierLows: 0, mentionsRegulator: false });
    expect(csi(1)).toBeGreaterThan(csi(2));
    expect(csi(2)).toBeGreaterThan(csi(3));
    expect(csi(1)).toBe(100);
    expect(csi(3)).toBe(50);
  });

  it('ranks a repeat low score from the same borrower higher, up to two repeats', () => {
    const nps = (earlierLows: number) =>
      callbackPriority({ score: 5, min: 0, max: 10, threshold: 6, earlierLows, mentionsRegulator: false });
    expect(nps(1)).toBe(nps(0) + 20);
    expect(nps(5)).toBe(nps(0) + 40);
  });

  it('puts a mention of the regulator above any score, repeat and escalation', () => {
    const mildest = callbackPriority({
      score: 6,
      min: 0,
      max: 10,
      threshold: 6,
      earlierLows: 0,
      mentionsRegulator: true,
    });
    const gravest = callbackPriority({
      score: 0,
      min: 0,
      max: 10,
      threshold: 6,
      earlierLows: 9,
      mentionsRegulator: false,
    });
    // The SLA sweep adds its escalation boost (50) once.
    expect(mildest).toBeGreaterThan(gravest + 50);
    expect(mildest).toBe(50 + REGULATOR_MENTION_BOOST);
  });
});
