import { DateTime } from 'luxon';
import { WorkingDayLookup } from './working-calendar.service';

/**
 * The same local time `days` working days after `instant` in `timeZone` (a low score at 15:10 on
 * Friday is due 15:10 on Monday, or later if Monday is a holiday). An instant on a day off counts
 * from the start of the next working day.
 */
export function addWorkingDays(
  instant: Date,
  days: number,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
): Date {
  let local = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!isWorkingDay(local.toISODate()!)) {
    do local = local.plus({ days: 1 }).startOf('day');
    while (!isWorkingDay(local.toISODate()!));
  }
  let remaining = days;
  while (remaining > 0) {
    local = local.plus({ days: 1 });
    if (isWorkingDay(local.toISODate()!)) remaining -= 1;
  }
  return local.toJSDate();
}
