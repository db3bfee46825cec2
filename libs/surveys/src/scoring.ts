import { FieldError } from '@app/core';
import { Survey } from './survey.model';

export interface Scored {
  answers: Record<string, number>;
  /** CSI: the answer; NPS: the answer; CLI: the mean of the three, two decimals. */
  score: number;
  low: boolean;
}

/** Checks a full set of answers against the survey version and computes its primary score. */
export function scoreAnswers(
  survey: Survey,
  answers: Record<string, unknown>,
): { scored: Scored } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const known = new Set(survey.questions.map((q) => q.id));
  for (const id of Object.keys(answers)) {
    if (!known.has(id))
      errors.push({ path: `answers.${id.slice(0, 64)}`, message: 'is not a question of this survey' });
  }
  const clean: Record<string, number> = {};
  for (const q of survey.questions) {
    const value = answers[q.id];
    if (value === undefined || value === null)
      errors.push({ path: `answers.${q.id}`, message: 'is required' });
    else if (typeof value !== 'number' || !Number.isInteger(value))
      errors.push({ path: `answers.${q.id}`, message: 'must be a whole number' });
    else if (value < q.min || value > q.max)
      errors.push({ path: `answers.${q.id}`, message: `must be between ${q.min} and ${q.max}` });
    else clean[q.id] = value;
  }
  if (errors.length > 0) return { errors };
  const score = primaryScore(
    survey.kind,
    survey.questions.map((q) => clean[q.id]!),
  );
  return { scored: { answers: clean, score, low: isLowScore(score, survey.lowScoreThreshold) } };
}

/** The one score a response is judged by: CSI and NPS their answer, CLI the mean of its three (two decimals). */
export function primaryScore(kind: Survey['kind'], values: number[]): number {
  return kind === 'CLI'
    ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100
    : values[0]!;
}

/** The low-score rule: at or below the programme's threshold (CSI ≤ 3, NPS ≤ 6, CLI ≤ 6 by default). */
export function isLowScore(score: number, threshold: number): boolean {
  return score <= threshold;
}
