import { addWorkingDays } from './working-days';
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
