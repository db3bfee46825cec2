import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { DomainException, isIsoDate, isPlainText, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { CalendarDayKind, isWorkingKind } from './calendar-day';
import { WorkingCalendar } from './working-calendar.service';

const KINDS: readonly (CalendarDayKind | 'workday' | 'weekend')[] = [
  'holiday',
  'transferred_day_off',
  'transferred_workday',
  'shortened',
  'workday',
  'weekend',
];

/** Admins keep the production calendar current (a new decree, a regional holiday); every edit is audited. */
@Injectable()
export class EditCalendar {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendar: WorkingCalendar,
    private readonly audit: AuditService,
  ) {}

  async setDay(actor: Actor, input: { day: string; kind: string; note?: string | null }): Promise<void> {
    if (actor.type !== 'staff' || actor.role !== 'admin')
      throw new DomainException('forbidden', 'Only an admin edits the calendar.');
    const errors = [];
    if (!isIsoDate(input.day)) {
      errors.push({ path: 'day', message: 'must be a date YYYY-MM-DD' });
    }
    if (!(KINDS as readonly string[]).includes(input.kind))
      errors.push({ path: 'kind', message: `must be one of ${KINDS.join(', ')}` });
    const note = input.note?.trim() || null;
    if (note && (note.length > 200 || !isPlainText(note)))
      errors.push({ path: 'note', message: 'must be at most 200 printable characters' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const working = input.kind === 'workday' || isWorkingKind(input.kind as CalendarDayKind);
    await this.db.transaction(async (manager) => {
      const before: { is_working: boolean; kind: string }[] = await manager.query(
        `SELECT is_working, kind FROM working_day WHERE day = $1`,
        [input.day],
      );
      await manager.query(
        `INSERT INTO working_day (day, is_working, kind, note) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day) DO UPDATE SET is_working = EXCLUDED.is_working, kind = EXCLUDED.kind, note = EXCLUDED.note`,
        [input.day, working, input.kind, note],
      );
      await this.audit.record(
        actor,
        {
          action: 'calendar.day_set',
          entityType: 'working_day',
          entityId: input.day,
          before: before[0] ?? {},
          after: { is_working: working, kind: input.kind, note },
        },
        manager,
      );
    });
    this.calendar.invalidate();
  }

  /** The days of a year that differ from a plain Monday–Friday week (holidays, transfers, shortened days). */
  async exceptions(
    year: number,
  ): Promise<{ day: string; kind: string; working: boolean; note: string | null }[]> {
    const rows: { day: string; kind: string; is_working: boolean; note: string | null }[] =
      await this.db.query(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, is_working, note FROM working_day
        WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) AND kind NOT IN ('workday', 'weekend')
        ORDER BY day`,
        [year],
      );
    return rows.map((r) => ({ day: r.day, kind: r.kind, working: r.is_working, note: r.note }));
  }
}
