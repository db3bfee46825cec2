import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { AppConfig } from '@app/config';
import { Clock, TemplateEngine } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import type { ConsoleRequest } from './console-auth';
import { DomainMessages } from './domain-messages';
import { formatNumber, pluralKey } from './numbers';

export type ConsoleLocale = 'ru' | 'en';

/** What every console page knows besides its own view: who is looking, in which language and zone. */
export interface ConsoleFrame {
  session: StaffSession | null;
  locale: ConsoleLocale;
  /** Highlights the current item of the navigation. */
  section?: string;
  title: string;
  /** Loads Chart.js before the console script. */
  charts?: boolean;
}

const NAVIGATION: { section: string; href: string; roles: string[] }[] = [
  { section: 'queue', href: '/console/queue', roles: ['agent', 'expert', 'admin'] },
  { section: 'complaints', href: '/console/complaints', roles: ['expert', 'compliance', 'admin'] },
  { section: 'dashboard', href: '/console/dashboard', roles: ['expert', 'compliance', 'admin'] },
  { section: 'responses', href: '/console/responses', roles: ['expert', 'compliance', 'admin'] },
  { section: 'people', href: '/console/people', roles: ['agent', 'expert', 'admin'] },
  { section: 'audit', href: '/console/audit', roles: ['compliance', 'admin'] },
  { section: 'outbox', href: '/console/outbox', roles: ['expert', 'admin'] },
  { section: 'admin', href: '/console/admin', roles: ['admin'] },
];

/**
 * Staff console pages from `templates/pages/console` through the TemplateEngine, every value escaped;
 * strings from `templates/locales` (`console.*`), dates in the user's zone. Pages load only the
 * console's own script and stylesheet (no inline code), under a CSP that allows nothing else.
 */
@Injectable()
export class ConsoleRenderer {
  private readonly strings = new Map<ConsoleLocale, Record<string, string>>();
  private readonly messages = new Map<ConsoleLocale, DomainMessages>();

  constructor(
    private readonly config: AppConfig,
    private readonly engine: TemplateEngine,
    private readonly clock: Clock,
  ) {
    this.registerHelpers();
  }

  private registerHelpers(): void {
    this.engine.helper('t', (key: string, options: Handlebars.HelperOptions) =>
      this.text(options.data.root.locale as ConsoleLocale, key),
    );
    // {{label "status" value}} → the text of `console.status.<value>`.
    this.engine.helper('label', (prefix: string, value: unknown, options: Handlebars.HelperOptions) =>
      value === null || value === undefined || value === ''
        ? '—'
        : this.text(options.data.root.locale as ConsoleLocale, `${prefix}.${String(value)}`),
    );
    this.engine.helper('fmtDateTime', (value: unknown, options: Handlebars.HelperOptions) =>
      formatInstant(value, options.data.root.timeZone as string, 'dd.MM.yyyy HH:mm'),
    );
    this.engine.helper('fmtDate', (value: unknown, options: Handlebars.HelperOptions) =>
      formatInstant(value, options.data.root.timeZone as string, 'dd.MM.yyyy'),
    );
    // {{zoneName "Asia/Omsk"}} → "Омск (UTC+6)": a time zone by its city in the reader's language.
    this.engine.helper('zoneName', (zone: unknown, options: Handlebars.HelperOptions) =>
      this.zoneName(options.data.root.locale as ConsoleLocale, String(zone)),
    );
    // A calendar day (YYYY-MM-DD) as the reader writes dates; no zone, it is a day, not an instant.
    this.engine.helper('fmtDay', (value: unknown) =>
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? `${value.slice(8, 10)}.${value.slice(5, 7)}.${value.slice(0, 4)}`
        : '—',
    );
    // {{num value " %"}}: a figure with its unit, or a dash when there is nothing to measure (0 is a figure).
    this.engine.helper('num', (value: unknown, suffix: unknown, options: Handlebars.HelperOptions) => {
      const text = formatNumber(value, options.data.root.locale as string);
      return text === '—' ? text : `${text}${typeof suffix === 'string' ? suffix : ''}`;
    });
    // {{plural "queue.count.open" 5}} → "<b>5</b> открыто": the number and the word in its plural form.
    this.engine.helper('plural', (key: string, count: unknown, options: Handlebars.HelperOptions) => {
      const locale = options.data.root.locale as ConsoleLocale;
      const n = Number(count) || 0;
      const word = this.optionalText(locale, pluralKey(key, n, locale)) ?? this.text(locale, `${key}.other`);
      return new Handlebars.SafeString(
        `<b>${Handlebars.escapeExpression(formatNumber(n, locale))}</b> ${Handlebars.escapeExpression(word)}`,
      );
    });
    // A refusal from the domain, and the field it names, in the reader's words (see DomainMessages).
    this.engine.helper('says', (message: unknown, options: Handlebars.HelperOptions) =>
      this.says(options.data.root.locale as ConsoleLocale, String(message)),
    );
    this.engine.helper('fieldLabel', (path: unknown, options: Handlebars.HelperOptions) =>
      this.fieldLabel(options.data.root.locale as ConsoleLocale, String(path)),
    );
    // {{local survey.title}}: a { ru, en } text in the reader's language.
    this.engine.helper('local', (value: unknown, options: Handlebars.HelperOptions) => {
      const texts = (value ?? {}) as Record<string, unknown>;
      const text = texts[options.data.root.locale as string] ?? texts.en;
      return typeof text === 'string' ? text : '';
    });
    // A record id short enough for a table cell: the first block of a UUID.
    this.engine.helper('shortId', (value: unknown) =>
      String(value ?? '')
        .split('-')[0]!
        .slice(0, 12),
    );
    this.engine.helper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
    this.engine.helper('eq', (a: unknown, b: unknown) => a === b);
    this.engine.helper('isNumber', (value: unknown) => typeof value === 'number' && Number.isFinite(value));
    this.engine.helper(
      'gt',
      (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b,
    );
    this.engine.helper('includes', (list: unknown, value: unknown) =>
      Array.isArray(list) ? list.includes(value) : false,
    );
    this.engine.helper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    this.engine.helper('array', (...args: unknown[]) => args.slice(0, -1));
    this.engine.helper('json', (value: unknown) => JSON.stringify(value));
  }

  /** A `console.*` string; English when the Russian one is missing, the key itself when both are. */
  text(locale: ConsoleLocale, key: string): string {
    return this.locale(locale)[key] ?? this.locale('en')[key] ?? key;
  }

  /** A `console.*` string in this locale or English, or nothing (the caller has its own fallback). */
  optionalText(locale: ConsoleLocale, key: string): string | undefined {
    return this.locale(locale)[key] ?? this.locale('en')[key];
  }

  /** A domain message in this locale; in Russian, one the catalogue lacks becomes a plain "not done". */
  says(locale: ConsoleLocale, message: string): string {
    if (locale === 'en') return message;
    let catalogue = this.messages.get(locale);
    if (!catalogue) {
      catalogue = DomainMessages.load(locale);
      this.messages.set(locale, catalogue);
    }
    return catalogue.translate(message) ?? this.text(locale, 'refusal.unknown');
  }

  /** The label of the field an error names: `criteria[2].ru` → the label of `criteria`. */
  fieldLabel(locale: ConsoleLocale, path: string): string {
    // A line of an imported file: "CSV, line 3: Name".
    const line = /^(\w+)\.line (\d+)(?:\.(\w+))?$/.exec(path);
    if (line) {
      const where = `${this.fieldLabel(locale, line[1]!)}, ${this.text(locale, 'field.line')} ${line[2]}`;
      return line[3] ? `${where}: ${this.fieldLabel(locale, line[3])}` : where;
    }
    const base = path.replace(/\[\d+\]/g, '').split('.')[0] ?? path;
    return this.optionalText(locale, `field.${path}`) ?? this.optionalText(locale, `field.${base}`) ?? path;
  }

  /** A time zone by its city and its offset now; a zone the locale does not name keeps its IANA id. */
  zoneName(locale: ConsoleLocale, zone: string): string {
    const now = DateTime.fromJSDate(this.clock.now(), { zone });
    if (!now.isValid) return zone;
    const offset = `${this.text(locale, 'zone.offsetPrefix')}${now.toFormat('ZZ').replace(':00', '')}`;
    return `${this.optionalText(locale, `zone.${zone}`) ?? zone} (${offset})`;
  }

  keys(locale: ConsoleLocale): string[] {
    return Object.keys(this.locale(locale));
  }

  render(
    page: string,
    frame: ConsoleFrame,
    view: Record<string, unknown>,
    nonce: string,
    deadlines: { dueSoon: number; overdue: number } | null = null,
  ): string {
    const user = frame.session?.user ?? null;
    const common = {
      locale: frame.locale,
      timeZone: user?.timeZone ?? this.config.lenderTimeZone,
      lender: this.config.lenderName,
      brandColor: this.config.brandColor,
      csrf: frame.session?.csrf ?? '',
      user,
      nonce,
    };
    const body = this.engine.render(`pages/console/${page}.hbs`, { ...common, ...view });
    const navigation = user
      ? NAVIGATION.filter((item) => item.roles.includes(user.role)).map((item) => ({
          ...item,
          current: item.section === frame.section,
          deadlines: item.section === 'complaints' ? deadlines : null,
        }))
      : [];
    return this.engine.render('pages/console/layout.hbs', {
      ...common,
      title: frame.title,
      charts: frame.charts ?? false,
      navigation,
      body,
    });
  }

  /** Sends a console page: private, never cached, no referrer, scripts and styles only from /console/assets. */
  send(
    reply: FastifyReply,
    status: number,
    page: string,
    frame: ConsoleFrame,
    view: Record<string, unknown> = {},
  ): void {
    const nonce = randomBytes(16).toString('base64');
    void reply
      .status(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'same-origin')
      .header('X-Frame-Options', 'DENY')
      .header(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
          "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      )
      .send(
        this.render(page, frame, view, nonce, (reply.request as ConsoleRequest).complaintDeadlines ?? null),
      );
  }

  private locale(locale: ConsoleLocale): Record<string, string> {
    let strings = this.strings.get(locale);
    if (!strings) {
      strings = this.engine.strings(locale, 'console.');
      this.strings.set(locale, strings);
    }
    return strings;
  }
}

function formatInstant(value: unknown, zone: string, format: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return '—';
  return DateTime.fromJSDate(date, { zone }).toFormat(format);
}
