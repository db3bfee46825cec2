/**
 * What a mention of the regulator, a court, the police or a lawyer adds: more than any score, repeat or
 * escalation can, so such a task is always at the top of the queue.
 */
export const REGULATOR_MENTION_BOOST = 1000;

/**
 * Queue priority of a low score: the further below the threshold on the survey's scale, the higher
 * (50–100), plus 20 for each earlier low score from the same borrower within 90 days (at most two),
 * plus REGULATOR_MENTION_BOOST when the comment mentions the regulator.
 */
export function callbackPriority(input: {
  score: number;
  min: number;
  max: number;
  threshold: number;
  earlierLows: number;
  mentionsRegulator: boolean;
}): number {
  const span = Math.max(1, input.threshold - input.min);
  const severity = Math.min(1, Math.max(0, (input.threshold - input.score) / span));
  return (
    Math.round(50 + 50 * severity) +
    20 * Math.min(2, input.earlierLows) +
    (input.mentionsRegulator ? REGULATOR_MENTION_BOOST : 0)
  );
}
