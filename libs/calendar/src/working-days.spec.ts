import fc from 'fast-check';
import { addWorkingDays, addWorkingHours, workingDaysUntil } from './working-days';
import { isWeekday } from './working-calendar.service';

// Russian production calendar 2027 excerpt: New Year holidays 1–8 January, 23 February on Tuesday with
// Monday the 22nd moved off, and a transferred working Saturday.
const calendar: Record<string, boolean> = {
  '2026-12-31': false,
  '2027-01-01': false,
  '2027-01-04': false,
  '2027-01-05': false,
  '2027-01-06': false,
  '2027-01-07': false,
  '2027-01-08': false,
  '2027-02-22': false,
  '2027-02-23': false,
  '2027-11-13': true,
};
const lookup = (d: string) => calendar[d] ?? isWeekday(d);

describe('addWorkingDays', () => {
  it('adds one working day on an ordinary weekday', () => {
    expect(addWorkingDays(new Date('2026-11-18T12:10:00Z'), 1, 'Europe/Moscow', lookup)).toEqual(
      new Date('2026-11-19T12:10:00Z'),
    );
  });

  it('skips the weekend: Friday → Monday', () => {
    expect(addWorkingDays(new Date('2026-11-20T12:10:00Z'), 1, 'Europe/Moscow', lookup)).toEqual(
      new Date('2026-11-23T12:10:00Z'),
    );
  });

  it('skips the New Year holidays', () => {
    expect(addWorkingDays(new Date('2026-12-30T09:00:00Z'), 1, 'Europe/Moscow', lookup)).toEqual(
      new Date('2027-01-11T09:00:00Z'),
    );
  });

  it('counts a transferred working Saturday', () => {
    expect(addWorkingDays(new Date('2027-11-12T09:00:00Z'), 1, 'Europe/Moscow', lookup)).toEqual(
      new Date('2027-11-13T09:00:00Z'),
    );
  });

  it('counts from the next working morning when the start falls on a day off', () => {
    // Sunday 2027-02-21 → first working day is Wednesday 24th (22nd and 23rd off) at 00:00 → +1 = Thursday 25th 00:00 Moscow
    expect(addWorkingDays(new Date('2027-02-21T10:00:00Z'), 1, 'Europe/Moscow', lookup)).toEqual(
      new Date('2027-02-24T21:00:00Z'),
    );
  });

  it('adds 15 working days for a complaint deadline across the May-like holidays', () => {
    const may: Record<string, boolean> = { '2027-05-03': false, '2027-05-10': false };
    const mayLookup = (d: string) => may[d] ?? isWeekday(d);
    expect(addWorkingDays(new Date('2027-04-28T09:00:00Z'), 15, 'Europe/Moscow', mayLookup)).toEqual(
      new Date('2027-05-21T09:00:00Z'),
    );
  });
});

describe('addWorkingHours', () => {
  const weekdays = (d: string) => lookup(d);
  it('stays within the day when the hours fit', () => {
    // Wednesday 18 Nov 2026 10:00 Moscow + 3 h = 13:00
    expect(addWorkingHours(new Date('2026-11-18T07:00:00Z'), 3, 'Europe/Moscow', weekdays)).toEqual(
      new Date('2026-11-18T10:00:00Z'),
    );
  });

  it('carries the rest over the weekend: Friday 16:00 + 4 h = Monday 11:00', () => {
    expect(addWorkingHours(new Date('2026-11-20T13:00:00Z'), 4, 'Europe/Moscow', weekdays)).toEqual(
      new Date('2026-11-23T08:00:00Z'),
    );
  });

  it('starts counting at the next opening when asked outside working hours', () => {
    // Sunday evening → Monday 09:00 + 1 h = 10:00
    expect(addWorkingHours(new Date('2026-11-22T17:00:00Z'), 1, 'Europe/Moscow', weekdays)).toEqual(
      new Date('2026-11-23T07:00:00Z'),
    );
  });

  it('skips a holiday from the calendar', () => {
    // Thursday 31 Dec 2026 is off in this lookup? use 2027-01-08 (holiday) → next working day Monday 11 Jan
    expect(addWorkingHours(new Date('2027-01-08T07:00:00Z'), 2, 'Europe/Moscow', weekdays)).toEqual(
      new Date('2027-01-11T08:00:00Z'),
    );
  });
});

describe('workingDaysUntil', () => {
  const zone = 'Europe/Moscow';

  it('counts the working days left to a deadline across the New Year holidays', () => {
    expect(
      workingDaysUntil(new Date('2026-12-29T09:00:00Z'), new Date('2027-01-11T09:00:00Z'), zone, lookup),
    ).toBe(2);
  });

  it('is zero on the deadline day and negative once it has passed', () => {
    const deadline = new Date('2026-11-23T12:00:00Z'); // Monday
    expect(workingDaysUntil(new Date('2026-11-23T06:00:00Z'), deadline, zone, lookup)).toBe(0);
    expect(workingDaysUntil(new Date('2026-11-25T06:00:00Z'), deadline, zone, lookup)).toBe(-2);
  });

  it('undoes addWorkingDays from any working day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 30 }), (offset, days) => {
        const start = new Date(Date.UTC(2026, 0, 1, 9) + offset * 86_400_000);
        fc.pre(lookup(start.toISOString().slice(0, 10)));
        return workingDaysUntil(start, addWorkingDays(start, days, zone, lookup), zone, lookup) === days;
      }),
    );
  });
});
