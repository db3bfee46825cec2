import { Client } from 'pg';
import { addWorkingDays, isWeekday } from '@app/calendar';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let seeded = new Map<string, boolean>();
const isWorkingDay = (day: string) => seeded.get(day) ?? isWeekday(day);

function workingDaysIn(year: number): number {
  let count = 0;
  for (
    let d = new Date(Date.UTC(year, 0, 1));
    d.getUTCFullYear() === year;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    if (isWorkingDay(d.toISOString().slice(0, 10))) count += 1;
  }
  return count;
}

describe('the Russian production calendar the migrations seed', () => {
  let db: TestDatabase;
  let days: { day: string; is_working: boolean }[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    days = (await client.query(`SELECT day::text AS day, is_working FROM working_day ORDER BY day`)).rows;
    await client.end();
    seeded = new Map(days.map((d) => [d.day, d.is_working]));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('has the official number of working days in 2025 and 2026 (247 each)', () => {
    expect(workingDaysIn(2025)).toBe(247);
    expect(workingDaysIn(2026)).toBe(247);
  });

  it('keeps the New Year holidays: a low score on 30 December 2025 is due on 12 January 2026', () => {
    expect(addWorkingDays(new Date('2025-12-30T10:00:00Z'), 1, 'Europe/Moscow', isWorkingDay)).toEqual(
      new Date('2026-01-12T10:00:00Z'),
    );
  });

  it('keeps the May holidays of 2025 (1–4 and 8–11 May)', () => {
    expect(addWorkingDays(new Date('2025-04-30T10:00:00Z'), 1, 'Europe/Moscow', isWorkingDay)).toEqual(
      new Date('2025-05-05T10:00:00Z'),
    );
    expect(addWorkingDays(new Date('2025-05-07T10:00:00Z'), 1, 'Europe/Moscow', isWorkingDay)).toEqual(
      new Date('2025-05-12T10:00:00Z'),
    );
  });

  it('counts the transferred working Saturday, 1 November 2025, and skips 3–4 November', () => {
    expect(isWorkingDay('2025-11-01')).toBe(true);
    expect(addWorkingDays(new Date('2025-10-31T10:00:00Z'), 1, 'Europe/Moscow', isWorkingDay)).toEqual(
      new Date('2025-11-01T10:00:00Z'),
    );
    expect(addWorkingDays(new Date('2025-11-01T10:00:00Z'), 1, 'Europe/Moscow', isWorkingDay)).toEqual(
      new Date('2025-11-05T10:00:00Z'),
    );
  });

  it('moves a weekend holiday to the next Monday: 9 March and 11 May 2026 are days off', () => {
    expect(isWorkingDay('2026-03-09')).toBe(false);
    expect(isWorkingDay('2026-05-11')).toBe(false);
    expect(isWorkingDay('2026-03-10')).toBe(true);
  });

  it('gives a complaint registered on 20 November 2026 its 15-working-day due date, 11 December', () => {
    expect(addWorkingDays(new Date('2026-11-20T07:00:00Z'), 15, 'Europe/Moscow', isWorkingDay)).toEqual(
      new Date('2026-12-11T07:00:00Z'),
    );
  });

  it('seeds 2025 to 2027', () => {
    expect(days[0]!.day).toBe('2025-01-01');
    expect(days[days.length - 1]!.day.slice(0, 4)).toBe('2027');
  });
});
