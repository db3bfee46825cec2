/**
 * Queue priority of a low score: the further below the threshold on the survey's scale, the higher
 * (50–100), plus 20 for each earlier low score from the same borrower within 90 days (at most two).
 */
export function callbackPriority(input: {
  score: number;
  min: number;
  max: number;
  threshold: number;
  earlierLows: number;
}): number {
  const span = Math.max(1, input.threshold - input.min);
  const severity = Math.min(1, Math.max(0, (input.threshold - input.score) / span));
  return Math.round(50 + 50 * severity) + 20 * Math.min(2, input.earlierLows);
}
