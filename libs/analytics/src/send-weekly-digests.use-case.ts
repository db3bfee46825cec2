import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { AppConfig } from '@app/config';
import { Clock, TemplateEngine } from '@app/core';
import { MessageOutbox } from '@app/messaging';
import { DataSource } from 'typeorm';
import { CategoryTrendQueries, TopCategory } from './category-trends.service';
import { DashboardQueries } from './dashboard-queries.service';
import { MetricTargets } from './metric-targets.repository';
import { Metric, SurveyKind } from './metrics';

/** Monday, from this hour in the lender's zone. */
export const WEEKLY_DIGEST_HOUR = 9;
const DIGEST_LOCK = 4_216_771_304;

interface Recipient {
  id: string;
  email: string;
  locale: 'ru' | 'en';
}

interface Week {
  from: string;
  to: string;
  totals: Record<SurveyKind, Metric>;
  before: Record<SurveyKind, Metric>;
  targets: Map<string, number>;
  complaints: number;
  complaintsBefore: number;
  top: TopCategory[];
  overdueTasks: number;
  overdueComplaints: number;
}

const FIGURES: [string, SurveyKind, keyof Metric][] = [
  ['CSI', 'CSI', 'csi'],
  ['CSAT', 'CSI', 'csat'],
  ['NPS', 'NPS', 'nps'],
  ['CLI', 'CLI', 'cli'],
];

/**
 * Every Monday from the lender's morning, each staff member who subscribed gets one email of the past
 * week (Monday to Sunday): CSI, CSAT, NPS and CLI against their targets and the week before, complaints
 * registered, the five most frequent categories, what is overdue now, and a link to the dashboard on
 * that week. Figures only: no borrower's data. Once a week per person (the message's key), however
 * many workers run it.
 */
@Injectable()
export class SendWeeklyDigests {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: MessageOutbox,
    private readonly dashboards: DashboardQueries,
    private readonly categories: CategoryTrendQueries,
    private readonly targets: MetricTargets,
    private readonly engine: TemplateEngine,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    const zone = this.config.lenderTimeZone;
    const local = DateTime.fromJSDate(now, { zone });
    if (local.weekday !== 1 || local.hour < WEEKLY_DIGEST_HOUR) return 0;
    const monday = local.startOf('day');
    const from = monday.minus({ weeks: 1 }).toISODate()!;
    const to = monday.minus({ days: 1 }).toISODate()!;
    const key = (recipient: Recipient) => `weekly-digest:${from}:${recipient.id}`;
    const subscribers: Recipient[] = await this.db.query(
      `SELECT id, email, locale FROM staff_user WHERE disabled_at IS NULL AND weekly_digest ORDER BY id`,
    );
    // The job wakes every five minutes all Monday: once everyone has this week's email, it reads nothing more.
    const sent = await this.outbox.queuedKeys(this.db.manager, subscribers.map(key));
    const recipients = subscribers.filter((r) => !sent.has(key(r)));
    if (recipients.length === 0) return 0;
    const week = await this.week(from, to, now, zone);
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        DIGEST_LOCK,
      ]);
      if (!locked) return 0;
      let queued = 0;
      for (const recipient of recipients) {
        if (
          await this.outbox.enqueueStaffEmail(manager, {
            key: key(recipient),
            purpose: 'weekly_digest',
            to: recipient.email,
            subject: this.word(recipient.locale, 'weekly.subject', {
              lender: this.config.lenderName,
              from: day(from),
              to: day(to),
            }),
            text: this.text(recipient.locale, week),
          })
        )
          queued += 1;
      }
      return queued;
    });
  }

  private async week(from: string, to: string, now: Date, zone: string): Promise<Week> {
    const filters = { from, to, groupBy: 'week' as const };
    const beforeFrom = DateTime.fromISO(from).minus({ weeks: 1 }).toISODate()!;
    const beforeTo = DateTime.fromISO(to).minus({ weeks: 1 }).toISODate()!;
    const [data, before, trends, targets, complaintsBefore] = await Promise.all([
      this.dashboards.load(filters, zone, now),
      this.dashboards.totals(filters, { from: beforeFrom, to: beforeTo }, zone),
      this.categories.load(filters, zone),
      this.targets.forPeriodAll({ from, to }),
      this.dashboards.load({ from: beforeFrom, to: beforeTo, groupBy: 'week' }, zone, now),
    ]);
    return {
      from,
      to,
      totals: data.totals,
      before,
      targets: new Map(targets.map((t) => [t.metric, t.value])),
      complaints: data.complaints.registered,
      complaintsBefore: complaintsBefore.complaints.registered,
      top: trends.week.top,
      overdueTasks: data.callbacks.overdueNow,
      overdueComplaints: data.complaints.overdueOpen,
    };
  }

  private text(locale: 'ru' | 'en', week: Week): string {
    const number = (value: number) => value.toLocaleString(locale === 'ru' ? 'ru-RU' : 'en-GB');
    const signed = (value: number) => `${value > 0 ? '+' : ''}${number(Math.round(value * 100) / 100)}`;
    const figures = FIGURES.map(([name, kind, key]) => {
      const metric = week.totals[kind];
      const value = metric.responses > 0 ? ((metric[key] as number | null) ?? null) : null;
      if (value === null) return `${name}: ${this.word(locale, 'weekly.noAnswers')}`;
      const parts = [
        `${name}: ${number(value)} (${this.word(locale, 'weekly.answers', { count: metric.responses })})`,
      ];
      const then = week.before[kind];
      const previous = then.responses > 0 ? ((then[key] as number | null) ?? null) : null;
      if (previous !== null)
        parts.push(`${this.word(locale, 'weekly.vsWeekBefore')} ${signed(value - previous)}`);
      const target = week.targets.get(name);
      if (target !== undefined)
        parts.push(`${this.word(locale, 'weekly.target')} ${number(target)}, ${signed(value - target)}`);
      return parts.join(' · ');
    });
    const top = week.top.length
      ? week.top
          .map(
            (c, i) =>
              `${i + 1}. ${this.word(locale, `console.category.${c.category}`)}: ${c.lowAnswers} (${this.word(locale, 'weekly.vsWeekBefore')} ${signed(c.lowAnswers - c.previous)})`,
          )
          .join('\n')
      : this.word(locale, 'weekly.noCategories');
    const link = `${this.config.publicBaseUrl}/console/dashboard?${new URLSearchParams({ from: week.from, to: week.to, groupBy: 'week' })}`;
    return [
      this.word(locale, 'weekly.title', { from: day(week.from), to: day(week.to) }),
      figures.join('\n'),
      `${this.word(locale, 'weekly.complaints')} ${week.complaints} (${this.word(locale, 'weekly.vsWeekBefore')} ${signed(week.complaints - week.complaintsBefore)})`,
      `${this.word(locale, 'weekly.top')}\n${top}`,
      `${this.word(locale, 'weekly.overdueTasks')} ${week.overdueTasks}\n${this.word(locale, 'weekly.overdueComplaints')} ${week.overdueComplaints}`,
      `${this.word(locale, 'weekly.dashboard')} ${link}`,
      this.word(locale, 'weekly.footer', { url: `${this.config.publicBaseUrl}/console/profile` }),
    ].join('\n\n');
  }

  private word(locale: string, key: string, vars: object = {}): string {
    return this.engine.text(locale, key, vars) ?? key;
  }
}

const day = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
