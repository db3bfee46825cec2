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

/**
 * Working days left from `from` until `deadline` in `timeZone`: working days after today up to and
 * including the deadline's day; negative when the deadline has passed (working days overdue).
 */
export function workingDaysUntil(
  from: Date,
  deadline: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
): number {
  let day = DateTime.fromJSDate(from, { zone: timeZone }).startOf('day');
  const end = DateTime.fromJSDate(deadline, { zone: timeZone }).startOf('day');
  const step = end >= day ? 1 : -1;
  let count = 0;
  while (!day.hasSame(end, 'day')) {
    day = day.plus({ days: step });
    if (isWorkingDay((step > 0 ? day : day.plus({ days: 1 })).toISODate()!)) count += step;
  }
  return count;
}

export interface WorkingHours {
  start: string;
  end: string;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '09:00', end: '18:00' };

/**
 * `hours` working hours after `instant` in `timeZone`, counting only the working window of working
 * days (a task due "in 4 working hours" at 16:00 on Friday is due at 11:00 on Monday).
 */
export function addWorkingHours(
  instant: Date,
  hours: number,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  window: WorkingHours = DEFAULT_WORKING_HOURS,
): Date {
  const [sh, sm] = window.start.split(':').map(Number);
  const [eh, em] = window.end.split(':').map(Number);
  let remaining = Math.round(hours * 60);
  let local = DateTime.fromJSDate(instant, { zone: timeZone });
  for (let guard = 0; guard < 3660; guard++) {
    const dayStart = local.set({ hour: sh, minute: sm, second: 0, millisecond: 0 });
    const dayEnd = local.set({ hour: eh, minute: em, second: 0, millisecond: 0 });
    if (!isWorkingDay(local.toISODate()!) || local >= dayEnd) {
      local = local.plus({ days: 1 }).set({ hour: sh, minute: sm, second: 0, millisecond: 0 });
      continue;
    }
    if (local < dayStart) local = dayStart;
    const available = Math.floor(dayEnd.diff(local, 'minutes').minutes);
    if (remaining <= available) return local.plus({ minutes: remaining }).toJSDate();
    remaining -= available;
    local = local.plus({ days: 1 }).set({ hour: sh, minute: sm, second: 0, millisecond: 0 });
  }
  throw new Error('no working time found within ten years');
}
