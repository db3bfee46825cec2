import { FieldError } from './domain.exception';
import { isIsoDate } from './ids';

/**
 * The mistakes in a period of days `from`–`to` (inclusive, YYYY-MM-DD): a date that is not one, `to`
 * before `from`, or more than `maxDays` between them. `optional` lets either end be absent.
 */
export function periodErrors(
  period: { from?: unknown; to?: unknown },
  maxDays: number,
  options: { optional?: boolean } = {},
): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['from', 'to'] as const) {
    const value = period[key];
    if (options.optional && value === undefined) continue;
    if (!isIsoDate(value)) errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
  }
  if (errors.length > 0 || period.from === undefined || period.to === undefined) return errors;
  const [from, to] = [period.from as string, period.to as string];
  if (from > to) errors.push({ path: 'to', message: 'must not be before from' });
  else if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > maxDays)
    errors.push({ path: 'to', message: `the period must not exceed ${maxDays} days` });
  return errors;
}
