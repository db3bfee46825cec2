import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Is a local calendar date (YYYY-MM-DD) a working day? */
export type WorkingDayLookup = (isoDate: string) => boolean;

const REFRESH_MS = 60_000;

/** Monday to Friday, for dates the calendar table does not list. */
export function isWeekday(isoDate: string): boolean {
  const day = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
}

/**
 * The working-day calendar kept in `working_day` (public holidays, transferred days). Dates it does
 * not list fall back to Monday–Friday. Held in memory and refreshed every minute: it is read on every
 * contact event (quiet hours) and changes a few times a year.
 */
@Injectable()
export class WorkingCalendar {
  private days = new Map<string, boolean>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A synchronous lookup over the current calendar, for the pure rules (quiet hours, deadlines). */
  async lookup(): Promise<WorkingDayLookup> {
    if (Date.now() - this.loadedAt > REFRESH_MS) {
      await (this.loading ??= this.load().finally(() => (this.loading = null)));
    }
    const days = this.days;
    return (isoDate) => days.get(isoDate) ?? isWeekday(isoDate);
  }

  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  private async load(): Promise<void> {
    const rows: { day: string; is_working: boolean }[] = await this.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, is_working FROM working_day`,
    );
    this.days = new Map(rows.map((r) => [r.day, r.is_working]));
    this.loadedAt = Date.now();
  }
}
