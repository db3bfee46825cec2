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

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
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
  return format;
}

/** The local date and "HH:MM" of an instant in a zone, with one cached formatter per zone. */
function wallClock(instant: number, timeZone: string): { date: string; time: string } {
  const part: Record<string, string> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(instant)) part[type] = value;
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
}

/** A local date and "HH:MM" read as if it were UTC: the zone's wall clock on a plain time line. */
function wallMs(date: string, time: string): number {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return Date.UTC(year!, month! - 1, day!, hour!, minute!);
}

/** The offset from UTC of a zone whose wall clock reads `local` at `instant`, in ms (offsets are whole minutes today). */
function offsetOf(local: { date: string; time: string }, instant: number): number {
  return wallMs(local.date, local.time) - (instant - (((instant % 60_000) + 60_000) % 60_000));
}

function offsetAt(instant: number, timeZone: string): number {
  return offsetOf(wallClock(instant, timeZone), instant);
}

/**
 * The first instant at which a zone's wall clock reads `wall` or later, starting from a guessed
 * offset. Quiet hours are what the borrower's clock shows, so: where the clock falls back (a time that
 * exists twice) the window opens at its first occurrence; where it jumps forward over the time (a
 * time that does not exist, e.g. 00:30 in Santiago on the night its clocks skip from 00:00 to 01:00)
 * it opens at the jump, the first moment the clock reads past it. Luxon and Temporal's "compatible"
 * rule would land one gap later, at a moment that reads 01:30 although 01:00 is already past 00:30.
 */
function instantOf(wall: number, guess: number, timeZone: string): { instant: number; offset: number } {
  let instant = wall - guess;
  const o2 = offsetAt(instant, timeZone);
  if (o2 === guess) return { instant, offset: guess };
  instant -= o2 - guess;
  const o3 = offsetAt(instant, timeZone);
  if (o2 === o3) return { instant, offset: o2 };
  // In the gap: the jump lies between wall − later offset and wall − earlier offset; find its minute.
  const later = Math.max(o2, o3);
  let before = wall - later;
  let after = wall - Math.min(o2, o3);
  while (after - before > 60_000) {
    const middle = before + Math.floor((after - before) / 120_000) * 60_000;
    if (offsetAt(middle, timeZone) === later) after = middle;
    else before = middle;
  }
  return { instant: after, offset: later };
}

function addDays(date: string, days: number): string {
  return new Date(wallMs(date, '00:00') + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The first instant at or after `instant` that is outside quiet hours in `timeZone`: a message due
 * in quiet hours waits for the next allowed minute (working days and days off have their own window).
 * Plain Intl arithmetic, no date library: this runs on every contact event, at night on all of them.
 */
export function nextAllowedSendTime(
  instant: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  hours: QuietHours,
): Date {
  const now = wallClock(instant.getTime(), timeZone);
  const today = isWorkingDay(now.date) ? hours.workday : hours.dayOff;
  if (now.time >= today.start && now.time < today.end) return instant;
  const offset = offsetOf(now, instant.getTime());
  if (now.time < today.start)
    return new Date(instantOf(wallMs(now.date, today.start), offset, timeZone).instant);
  const tomorrow = addDays(now.date, 1);
  const window = isWorkingDay(tomorrow) ? hours.workday : hours.dayOff;
  // Tomorrow's offset first (its midnight), then the window's start from it, as a clock would be set.
  const midnight = instantOf(wallMs(tomorrow, '00:00'), offset, timeZone);
  return new Date(instantOf(wallMs(tomorrow, window.start), midnight.offset, timeZone).instant);
}

const zoneValidity = new Map<string, boolean>();

/** An IANA zone name the runtime knows (answers cached: this runs on every contact event). */
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      formatter(zone);
      valid = true;
    } catch {
      valid = false; // Intl refuses a zone it does not know with a RangeError
    }
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * The moments in [from, to) outside quiet hours in `timeZone`, as windows of epoch milliseconds: what a
 * campaign spreads its sends over, so a night's share goes to the day's hours instead of piling up at 09:00.
 */
export function sendingWindows(
  from: Date,
  to: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  hours: QuietHours,
): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  let cursor = from.getTime();
  while (cursor < to.getTime()) {
    const start = nextAllowedSendTime(new Date(cursor), timeZone, isWorkingDay, hours).getTime();
    if (start >= to.getTime()) break;
    const local = wallClock(start, timeZone);
    const today = isWorkingDay(local.date) ? hours.workday : hours.dayOff;
    const closes = instantOf(wallMs(local.date, today.end), offsetOf(local, start), timeZone).instant;
    const end = Math.min(to.getTime(), Math.max(closes, start + 60_000));
    windows.push({ start, end });
    cursor = end;
  }
  return windows;
}

/** The instant a share in [0, 1) of the windows' total length falls on (the windows' first start when empty). */
export function pointInWindows(
  windows: readonly { start: number; end: number }[],
  share: number,
): Date | null {
  const total = windows.reduce((sum, w) => sum + (w.end - w.start), 0);
  if (total === 0) return null;
  let rest = Math.floor(share * total);
  for (const w of windows) {
    if (rest < w.end - w.start) return new Date(w.start + rest);
    rest -= w.end - w.start;
  }
  return new Date(windows[windows.length - 1]!.end - 1);
}
