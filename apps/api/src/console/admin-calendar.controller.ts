import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EditCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { CalendarDayForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, queryText, submitForm } from './forms';

const DAY_KINDS = [
  'holiday',
  'transferred_day_off',
  'transferred_workday',
  'shortened',
  'workday',
  'weekend',
];

/** The working-day calendar the deadlines count by: a year's exceptions, and setting one day. */
@Console('admin')
@Controller('console/admin/calendar')
export class AdminCalendarController {
  constructor(
    private readonly calendar: EditCalendar,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async page(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const year = this.year(queryText(query, 'year', 4));
    await this.show(reply, session, year, 200, { notice: queryText(query, 'notice', 40) ?? null });
  }

  @Post()
  async setDay(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = {
      day: field(form, 'day') ?? '',
      kind: field(form, 'kind') ?? '',
      note: field(form, 'note') ?? '',
    };
    const year = this.year(values.day.slice(0, 4));
    await submitForm(
      reply,
      `/console/admin/calendar?year=${year}&notice=day_saved`,
      (refusal) => this.show(reply, session, year, refusal.status, refusal, values),
      async () => {
        const day = await formDto(CalendarDayForm, form);
        return this.calendar.setDay(session.actor, { day: day.day, kind: day.kind, note: day.note || null });
      },
    );
  }

  /** The calendar year a page shows: the one asked for when it is 2000–2100, else this year. */
  private year(text: string | undefined): number {
    const requested = Number(text);
    return Number.isInteger(requested) && requested >= 2000 && requested <= 2100
      ? requested
      : DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone }).year;
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    year: number,
    status: number,
    outcome: AdminOutcome,
    values: Record<string, string> = { day: '', kind: '', note: '' },
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-calendar', 'admin.calendar', outcome, {
      year,
      previousYear: year - 1,
      nextYear: year + 1,
      days: await this.calendar.exceptions(year),
      kinds: DAY_KINDS,
      values,
    });
  }
}
