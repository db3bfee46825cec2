import { DateTime } from 'luxon';
import { WorkingDayLookup } from './working-calendar.service';

/** Local times of day, "HH:MM", between which messages may be sent. */
export interface QuietHours {
  workday: { start: string; end: string };
  dayOff: { start: string; end: string };
}

export const DEFAULT_QUIET_HOURS: QuietHours = {
  workday: { start: '08:00', end: '22:00' },
  dayOff: { start: '09:00', end: '20:00' },
};

function at(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The local date and "HH:MM" of an instant in a zone, with one cached formatter per zone. */
function wallClock(instant: Date, timeZone: string): { date: string; time: string } {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (wallClocks.size < 10_000) wallClocks.set(timeZone, format);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of format.formatToParts(instant)) part[type] = value;
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
}

/**
 * The first instant at or after `instant` that is outside quiet hours in `timeZone`: a message due
 * in quiet hours waits for the next allowed minute (working days and days off have their own window).
 */
export function nextAllowedSendTime(
  instant: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  hours: QuietHours,
): Date {
  // The common case, inside the window, from one formatted wall clock (this runs on every contact event).
  const now = wallClock(instant, timeZone);
  const today = isWorkingDay(now.date) ? hours.workday : hours.dayOff;
  if (now.time >= today.start && now.time < today.end) return instant;
  return nextAllowedSendTimeInZone(instant, timeZone, isWorkingDay, hours);
}

/** The general case with full date arithmetic in the zone (DST, days off, the next morning). */
export function nextAllowedSendTimeInZone(
  instant: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  hours: QuietHours,
): Date {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  for (let offset = 0; offset < 30; offset++) {
    const day = local.plus({ days: offset }).startOf('day');
    const window = isWorkingDay(day.toISODate()!) ? hours.workday : hours.dayOff;
    const start = at(day, window.start);
    const end = at(day, window.end);
    if (offset === 0) {
      if (local < start) return start.toJSDate();
      if (local < end) return instant;
    } else {
      return start.toJSDate();
    }
  }
  return instant;
}

const zoneValidity = new Map<string, boolean>();

/** An IANA zone name the runtime knows (answers cached: this runs on every contact event). */
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = DateTime.local().setZone(zone).isValid;
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}
