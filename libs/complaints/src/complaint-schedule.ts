import { DateTime } from 'luxon';
import { addWorkingDays, WorkingDayLookup } from '@app/calendar';
import { DUE_SOON_WORKING_DAYS } from './complaint-deadline';

/**
 * "Due soon" reaches to the end of the lender's working day two working days from now: on a Friday
 * that is Tuesday evening, before a holiday it skips the holiday.
 */
export function dueSoonUntil(now: Date, timeZone: string, isWorkingDay: WorkingDayLookup): Date {
  return DateTime.fromJSDate(addWorkingDays(now, DUE_SOON_WORKING_DAYS, timeZone, isWorkingDay), {
    zone: timeZone,
  })
    .endOf('day')
    .toJSDate();
}
