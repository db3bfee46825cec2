import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { WorkingCalendar, workingDaysUntil } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock, TemplateEngine } from '@app/core';
import { MessageOutbox } from '@app/messaging';
import { DataSource } from 'typeorm';
import { deadlineSql } from './complaint-deadline';
import { dueSoonUntil } from './complaint-schedule';

/** The lender's morning: the deadline emails go out from this hour on a working day. */
export const DIGEST_HOUR = 9;
const DIGEST_LOCK = 4_216_771_303;

interface Due {
  id: string;
  register_no: string;
  received_via: string;
  category: string;
  deadline: Date;
  assignee_id: string | null;
}

interface Recipient {
  id: string;
  email: string;
  locale: 'ru' | 'en';
}

/**
 * Every working day at the lender's morning, each expert who has not turned them off gets one email:
 * their complaints due within two working days and those overdue, and the group's unassigned ones.
 * Register numbers, channels, categories and deadlines only: no borrower's personal data leaves in
 * it. Once a day per person (the message's key), whichever worker and however often it runs.
 */
@Injectable()
export class SendDeadlineDigests {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: MessageOutbox,
    private readonly calendar: WorkingCalendar,
    private readonly engine: TemplateEngine,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    const zone = this.config.lenderTimeZone;
    const local = DateTime.fromJSDate(now, { zone });
    const isWorkingDay = await this.calendar.lookup();
    if (!isWorkingDay(local.toISODate()!) || local.hour < DIGEST_HOUR) return 0;
    const day = local.toISODate()!;
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        DIGEST_LOCK,
      ]);
      if (!locked) return 0;
      const due: Due[] = await manager.query(
        `SELECT id, register_no, received_via, category, ${deadlineSql('')} AS deadline, assignee_id
           FROM complaint WHERE status <> 'resolved' AND ${deadlineSql('')} <= $1
          ORDER BY ${deadlineSql('')}, register_year, register_seq`,
        [dueSoonUntil(now, zone, isWorkingDay)],
      );
      if (due.length === 0) return 0;
      const recipients: Recipient[] = await manager.query(
        `SELECT id, email, locale FROM staff_user
          WHERE disabled_at IS NULL AND deadline_emails AND (role = 'expert' OR (role = 'admin' AND id = ANY($1::uuid[])))`,
        [due.map((d) => d.assignee_id).filter((id): id is string => id !== null)],
      );
      const unassigned = due.filter((d) => d.assignee_id === null);
      let queued = 0;
      for (const recipient of recipients) {
        const mine = due.filter((d) => d.assignee_id === recipient.id);
        if (mine.length === 0 && unassigned.length === 0) continue;
        const text = this.text(recipient.locale, mine, unassigned, now, isWorkingDay);
        if (
          await this.outbox.enqueueStaffEmail(manager, {
            key: `deadline-digest:${day}:${recipient.id}`,
            to: recipient.email,
            subject: this.word(recipient.locale, 'digest.subject', {
              lender: this.config.lenderName,
              count: mine.length + unassigned.length,
            }),
            text,
          })
        )
          queued += 1;
      }
      return queued;
    });
  }

  private text(
    locale: 'ru' | 'en',
    mine: Due[],
    unassigned: Due[],
    now: Date,
    isWorkingDay: (day: string) => boolean,
  ): string {
    const zone = this.config.lenderTimeZone;
    const line = (d: Due) => {
      const left = workingDaysUntil(now, d.deadline, zone, isWorkingDay);
      const when = DateTime.fromJSDate(d.deadline, { zone }).toFormat('dd.MM.yyyy HH:mm');
      const state =
        d.deadline < now
          ? this.word(locale, 'digest.overdue')
          : this.word(locale, 'digest.daysLeft', { days: Math.max(left, 0) });
      return `№ ${d.register_no} · ${this.word(locale, `console.receivedVia.${d.received_via}`)} · ${this.word(locale, `console.category.${d.category}`)} · ${when} (${state})\n${this.config.publicBaseUrl}/console/complaints/${d.id}`;
    };
    const sections: string[] = [];
    if (mine.length > 0)
      sections.push(`${this.word(locale, 'digest.mine')}\n\n${mine.map(line).join('\n\n')}`);
    if (unassigned.length > 0)
      sections.push(`${this.word(locale, 'digest.unassigned')}\n\n${unassigned.map(line).join('\n\n')}`);
    sections.push(
      this.word(locale, 'digest.footer', { url: `${this.config.publicBaseUrl}/console/profile` }),
    );
    return sections.join('\n\n---\n\n');
  }

  private word(locale: string, key: string, vars: object = {}): string {
    return this.engine.text(locale, key, vars) ?? key;
  }
}
