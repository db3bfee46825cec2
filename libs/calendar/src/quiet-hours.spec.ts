import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  DEFAULT_QUIET_HOURS,
  isValidTimeZone,
  nextAllowedSendTime,
  pointInWindows,
  QuietHours,
  sendingWindows,
} from './quiet-hours';
import { isWeekday, WorkingDayLookup } from './working-calendar.service';

/**
 * The rule in luxon's full date arithmetic, as the reference the Intl-only implementation must match on
 * ordinary days. Around a clock change luxon places a skipped or repeated time by its own convention,
 * not by what the borrower's clock reads, so those days are checked against `wallClockOracle`.
 */
function referenceNextAllowedSendTime(
  instant: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  hours: QuietHours,
): Date {
  const at = (day: DateTime, hhmm: string) => {
    const [hour, minute] = hhmm.split(':').map(Number);
    return day.set({ hour, minute, second: 0, millisecond: 0 });
  };
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const today = local.startOf('day');
  const todays = isWorkingDay(today.toISODate()!) ? hours.workday : hours.dayOff;
  if (local < at(today, todays.start)) return at(today, todays.start).toJSDate();
  if (local < at(today, todays.end)) return instant;
  const tomorrow = local.plus({ days: 1 }).startOf('day');
  const window = isWorkingDay(tomorrow.toISODate()!) ? hours.workday : hours.dayOff;
  return at(tomorrow, window.start).toJSDate();
}

/**
 * The definition itself, by brute force: the first instant from `instant` on whose minute the zone's
 * wall clock (read by luxon) is inside that day's window, tried every `stepMinutes` (windows and clock
 * changes fall on such steps in the zones used).
 */
function wallClockOracle(
  instant: Date,
  timeZone: string,
  isWorkingDay: WorkingDayLookup,
  hours: QuietHours,
  stepMinutes: number,
): Date {
  const allowed = (ms: number) => {
    const local = DateTime.fromMillis(ms, { zone: timeZone });
    const window = isWorkingDay(local.toISODate()!) ? hours.workday : hours.dayOff;
    const time = local.toFormat('HH:mm');
    return time >= window.start && time < window.end;
  };
  if (allowed(instant.getTime())) return instant;
  const step = stepMinutes * 60_000;
  let candidate = Math.ceil(instant.getTime() / step) * step;
  while (!allowed(candidate)) candidate += step;
  return new Date(candidate);
}

/** No clock change within two days of the instant: an ordinary day, where luxon's rule is the rule. */
function ordinaryDay(instant: Date, zone: string): boolean {
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  return offset(instant.getTime() - 2 * 86_400_000) === offset(instant.getTime() + 2 * 86_400_000);
}

const weekdays = isWeekday;
const at = (iso: string) => new Date(iso);

describe('nextAllowedSendTime', () => {
  it('keeps a time inside the working-day window (08:00–22:00 local)', () => {
    // Wednesday 2026-11-18 10:00 in Novosibirsk (UTC+7) = 03:00Z
    expect(
      nextAllowedSendTime(at('2026-11-18T03:00:00Z'), 'Asia/Novosibirsk', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-18T03:00:00Z'));
  });

  it('moves an early-morning time to 08:00 local on a working day', () => {
    // Wednesday 06:30 Moscow (UTC+3) → 08:00 Moscow = 05:00Z
    expect(
      nextAllowedSendTime(at('2026-11-18T03:30:00Z'), 'Europe/Moscow', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-18T05:00:00Z'));
  });

  it('moves a late-evening time to the next morning, using the day-off window on Saturday', () => {
    // Friday 23:15 Moscow → Saturday 09:00 Moscow = 06:00Z
    expect(
      nextAllowedSendTime(at('2026-11-20T20:15:00Z'), 'Europe/Moscow', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-21T06:00:00Z'));
  });

  it('closes at 20:00 on a day off', () => {
    // Sunday 20:30 Moscow → Monday 08:00 Moscow = 05:00Z
    expect(
      nextAllowedSendTime(at('2026-11-22T17:30:00Z'), 'Europe/Moscow', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-23T05:00:00Z'));
  });

  it('treats a public holiday from the calendar as a day off', () => {
    const holidays = (d: string) => d !== '2026-11-04' && weekdays(d);
    // Wednesday 2026-11-04 (Unity Day) 08:30 Moscow is before 09:00 → 09:00 = 06:00Z
    expect(
      nextAllowedSendTime(at('2026-11-04T05:30:00Z'), 'Europe/Moscow', holidays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-04T06:00:00Z'));
  });

  it('follows the borrower’s zone, not the server’s', () => {
    // 12:00Z is 21:00 in Vladivostok (UTC+10) on a Wednesday: allowed; 13:30Z is 23:30 → next day 08:00 = 22:00Z
    expect(
      nextAllowedSendTime(at('2026-11-18T11:00:00Z'), 'Asia/Vladivostok', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-18T11:00:00Z'));
    expect(
      nextAllowedSendTime(at('2026-11-18T13:30:00Z'), 'Asia/Vladivostok', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-11-18T22:00:00Z'));
  });

  it('handles a daylight-saving change in the borrower’s zone', () => {
    // Berlin leaves DST on Sunday 2026-10-25; 05:00 local on Monday 26th (UTC+1) = 04:00Z → 08:00 local = 07:00Z
    expect(
      nextAllowedSendTime(at('2026-10-26T04:00:00Z'), 'Europe/Berlin', weekdays, DEFAULT_QUIET_HOURS),
    ).toEqual(at('2026-10-26T07:00:00Z'));
  });
});

describe('nextAllowedSendTime around clock changes', () => {
  const hours = (start: string) => ({ workday: { start, end: '22:00' }, dayOff: { start, end: '22:00' } });

  it('starts a window that falls in the spring-forward gap at the jump, when the clock first reads past it', () => {
    // New York, Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist → 03:00 EDT = 07:00Z.
    expect(
      nextAllowedSendTime(at('2026-03-08T05:00:00Z'), 'America/New_York', weekdays, hours('02:30')),
    ).toEqual(at('2026-03-08T07:00:00Z'));
  });

  it('starts a window that falls in the fall-back hour at its first occurrence', () => {
    // New York, Sunday 2026-11-01: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(
      nextAllowedSendTime(at('2026-11-01T04:00:00Z'), 'America/New_York', weekdays, hours('01:30')),
    ).toEqual(at('2026-11-01T05:30:00Z'));
  });

  it('opens a window whose start the clocks skip at the jump, when the clock first reads past it', () => {
    // Santiago, Sunday 2026-09-06: at 04:00Z the clocks go from 00:00 (−04) to 01:00 (−03); 00:30 never
    // happens. At 04:29Z the clock reads 01:29, past the 00:30 start: the window is open.
    expect(
      nextAllowedSendTime(at('2026-09-06T04:29:00Z'), 'America/Santiago', weekdays, hours('00:30')),
    ).toEqual(at('2026-09-06T04:29:00Z'));
    // The evening before, the next window opens at the jump itself, 01:00 local.
    expect(
      nextAllowedSendTime(at('2026-09-06T02:00:00Z'), 'America/Santiago', weekdays, hours('00:30')),
    ).toEqual(at('2026-09-06T04:00:00Z'));
  });

  it('follows the wall clock on the days the clocks change', () => {
    const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-06', '2026-10-25', '2026-11-01'];
    const zones = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago'];
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...days),
        fc.integer({ min: -36 * 60, max: 36 * 60 }),
        fc.constantFrom(...zones),
        hhmm,
        (day, minutes, zone, start) => {
          const instant = new Date(Date.parse(`${day}T12:00:00Z`) + minutes * 60_000);
          const window = hours(start < '22:00' ? start : '21:00');
          return (
            nextAllowedSendTime(instant, zone, weekdays, window).getTime() ===
            wallClockOracle(instant, zone, weekdays, window, 15).getTime()
          );
        },
      ),
      { numRuns: 3000 * Number(process.env.FC_RUNS_FACTOR ?? 1) },
    );
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones and refuses the rest', () => {
    expect(isValidTimeZone('Asia/Novosibirsk')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('+07:00 OR 1=1')).toBe(false);
  });
});

describe('nextAllowedSendTime against full date arithmetic', () => {
  it('agrees with luxon for any instant on an ordinary day, zone (with and without DST) and window', () => {
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const window = fc
      .tuple(hhmm, hhmm)
      .filter(([a, b]) => a < b)
      .map(([start, end]) => ({ start, end }));
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2025-01-01T00:00:00Z'),
          max: new Date('2027-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(
          'Europe/Moscow',
          'Asia/Kamchatka',
          'Europe/London',
          'America/New_York',
          'Asia/Kolkata',
          'Asia/Kathmandu',
          'Australia/Lord_Howe',
          'America/Santiago',
          'UTC',
        ),
        window,
        window,
        (instant, zone, workday, dayOff) => {
          fc.pre(ordinaryDay(instant, zone));
          const hours = { workday, dayOff };
          return (
            nextAllowedSendTime(instant, zone, weekdays, hours).getTime() ===
            referenceNextAllowedSendTime(instant, zone, weekdays, hours).getTime()
          );
        },
      ),
      { numRuns: 2000 * Number(process.env.FC_RUNS_FACTOR ?? 1) },
    );
  });
});

describe('sendingWindows and pointInWindows (a campaign spread over days)', () => {
  const weekdays: WorkingDayLookup = (date) => isWeekday(date);

  it('are the allowed hours of each day in the zone, clipped to the span', () => {
    // Wednesday 2026-12-02 10:00 Moscow to Friday 10:00: 10–22 Wed, 08–22 Thu, 08–10 Fri (UTC+3).
    const windows = sendingWindows(
      new Date('2026-12-02T07:00:00Z'),
      new Date('2026-12-04T07:00:00Z'),
      'Europe/Moscow',
      weekdays,
      DEFAULT_QUIET_HOURS,
    ).map((w) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()]);
    expect(windows).toEqual([
      ['2026-12-02T07:00:00.000Z', '2026-12-02T19:00:00.000Z'],
      ['2026-12-03T05:00:00.000Z', '2026-12-03T19:00:00.000Z'],
      ['2026-12-04T05:00:00.000Z', '2026-12-04T07:00:00.000Z'],
    ]);
  });

  it('place each share inside a window, that share of the allowed time after the start', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Europe/Moscow', 'Asia/Novosibirsk', 'America/Santiago', 'Asia/Kolkata'),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 2,
          maxLength: 20,
        }),
        (zone, days, shares) => {
          const from = new Date('2026-03-01T00:00:00Z');
          const windows = sendingWindows(
            from,
            new Date(from.getTime() + days * 86_400_000),
            zone,
            weekdays,
            DEFAULT_QUIET_HOURS,
          );
          const sorted = [...shares].sort((a, b) => a - b);
          const points = sorted.map((s) => pointInWindows(windows, s)!.getTime());
          for (const p of points) {
            expect(windows.some((w) => p >= w.start && p < w.end)).toBe(true);
            expect(nextAllowedSendTime(new Date(p), zone, weekdays, DEFAULT_QUIET_HOURS).getTime()).toBe(p);
          }
          expect(points).toEqual([...points].sort((a, b) => a - b));
          const total = windows.reduce((sum, w) => sum + w.end - w.start, 0);
          const allowedBefore = (p: number) =>
            windows.reduce((sum, w) => sum + Math.max(0, Math.min(w.end, p) - w.start), 0);
          sorted.forEach((share, i) => expect(allowedBefore(points[i]!)).toBe(Math.floor(share * total)));
        },
      ),
    );
  });

  it('give nothing to place when the span holds no allowed minute', () => {
    const night = sendingWindows(
      new Date('2026-12-02T20:00:00Z'),
      new Date('2026-12-02T22:00:00Z'),
      'Europe/Moscow',
      weekdays,
      DEFAULT_QUIET_HOURS,
    );
    expect(night).toEqual([]);
    expect(pointInWindows(night, 0.5)).toBeNull();
  });
});
