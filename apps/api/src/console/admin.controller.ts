import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { STAFF_ROLES } from '@app/audit';
import { EditCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock, FieldError, NotFoundException } from '@app/core';
import { API_SCOPES, ApiKeyService, StaffSession, StaffUserService } from '@app/identity';
import { TemplateRenderer } from '@app/messaging';
import {
  EditContactPolicy,
  localize,
  ReviseSurvey,
  Survey,
  SurveyCatalog,
  SurveyChanges,
} from '@app/surveys';
import { WEBHOOK_EVENTS, WebhookEndpoints } from '@app/webhooks';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { field, fields, Form, FormFields, Notice, queryText, refusalOf, seeOther, submitForm } from './forms';

const LOCALES = ['ru', 'en'] as const;
type Outcome = {
  notice?: string | null;
  error?: string | null;
  errors?: FieldError[] | null;
  secret?: string | null;
};

/**
 * Administration: staff users and roles, API keys (the secret shown once), survey programmes with
 * SMS and email previews in both languages, webhook endpoints and the working-day calendar.
 */
@Console('admin')
@Controller('console/admin')
export class AdminController {
  constructor(
    private readonly users: StaffUserService,
    private readonly keys: ApiKeyService,
    private readonly catalog: SurveyCatalog,
    private readonly revise: ReviseSurvey,
    private readonly policy: EditContactPolicy,
    private readonly renderer: TemplateRenderer,
    private readonly webhooks: WebhookEndpoints,
    private readonly calendar: EditCalendar,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async usersPage(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showUsers(reply, session, 200, { notice });
  }

  @Post('users')
  async createUser(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await submitForm(
      reply,
      '/console/admin?notice=user_created',
      (refusal) => this.showUsers(reply, session, refusal.status, refusal),
      () =>
        this.users.create(session.actor, {
          email: field(form, 'email') ?? '',
          name: field(form, 'name') ?? '',
          role: field(form, 'role') ?? '',
          password: field(form, 'password') ?? '',
          locale: field(form, 'locale') === 'en' ? 'en' : 'ru',
        }),
    );
  }

  @Post('users/:id')
  async updateUser(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const action = field(form, 'action');
    await submitForm(
      reply,
      '/console/admin?notice=user_updated',
      (refusal) => this.showUsers(reply, session, refusal.status, refusal),
      () =>
        this.users.update(
          session.actor,
          id,
          action === 'disable'
            ? { disabled: true }
            : action === 'enable'
              ? { disabled: false }
              : { role: field(form, 'role') ?? '' },
        ),
    );
  }

  private async showUsers(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: Outcome,
  ): Promise<void> {
    this.send(reply, session, status, 'admin-users', 'admin.users', outcome, {
      users: await this.users.list(),
      roles: STAFF_ROLES,
      me: session.user.id,
    });
  }

  @Get('api-keys')
  async keysPage(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showKeys(reply, session, 200, { notice });
  }

  /** Renders the page with the new secret instead of redirecting: it exists only in this response. */
  @Post('api-keys')
  async createKey(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      const key = await this.keys.create(session.actor, {
        name: field(form, 'name') ?? '',
        scopes: fields(form, 'scopes'),
      });
      await this.showKeys(reply, session, 201, { notice: 'key_created', secret: key.secret });
    } catch (error) {
      const refusal = refusalOf(error);
      await this.showKeys(reply, session, refusal.status, refusal);
    }
  }

  @Post('api-keys/:id/revoke')
  async revokeKey(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.keys.revoke(session.actor, id);
    seeOther(reply, '/console/admin/api-keys?notice=key_revoked');
  }

  private async showKeys(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: Outcome,
  ): Promise<void> {
    this.send(reply, session, status, 'admin-api-keys', 'admin.apiKeys', outcome, {
      keys: await this.keys.list(),
      scopes: API_SCOPES,
    });
  }

  @Get('surveys')
  async surveys(@CurrentSession() session: StaffSession, @Res() reply: FastifyReply): Promise<void> {
    this.send(
      reply,
      session,
      200,
      'admin-surveys',
      'admin.surveys',
      {},
      { surveys: await this.catalog.programmes() },
    );
  }

  @Get('surveys/:key')
  async surveyPage(
    @CurrentSession() session: StaffSession,
    @Param('key') key: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showSurvey(reply, session, key, 200, { notice: queryText(query, 'notice', 40) ?? null });
  }

  @Post('surveys/:key')
  async reviseSurvey(
    @CurrentSession() session: StaffSession,
    @Param('key') key: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const survey = await this.survey(key);
    await submitForm(
      reply,
      `/console/admin/surveys/${encodeURIComponent(key)}?notice=survey_revised`,
      (refusal) => this.showSurvey(reply, session, key, refusal.status, refusal),
      () => this.revise.execute(session.actor, key, surveyChanges(survey, form)),
    );
  }

  /** The email as a borrower would get it, in its own sandboxed frame (email HTML carries inline styles). */
  @Get('surveys/:key/email-preview')
  async emailPreview(
    @Param('key') key: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const survey = await this.survey(key);
    const locale = query.locale === 'en' ? 'en' : 'ru';
    void reply
      .status(200)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('X-Frame-Options', 'SAMEORIGIN')
      .header(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
      )
      .send(this.email(survey, locale).html);
  }

  private async showSurvey(
    reply: FastifyReply,
    session: StaffSession,
    key: string,
    status: number,
    outcome: Outcome,
  ): Promise<void> {
    const survey = await this.survey(key);
    const previews = LOCALES.map((locale) => ({
      locale,
      sms:
        survey.kind === 'CLI' || !survey.channelOrder.includes('sms')
          ? null
          : this.renderer.sms('invitation', survey.kind, locale),
      email: survey.channelOrder.includes('email') ? this.email(survey, locale) : null,
      emailUrl: `/console/admin/surveys/${encodeURIComponent(survey.key)}/email-preview?locale=${locale}`,
    }));
    this.send(reply, session, status, 'admin-survey', 'admin.survey', outcome, {
      survey: {
        ...survey,
        questions: survey.questions.map((q) => ({ ...q, ru: q.text.ru ?? '', en: q.text.en ?? '' })),
        commentRu: survey.commentPrompt?.ru ?? '',
        commentEn: survey.commentPrompt?.en ?? '',
        channels: survey.channelOrder.join(', '),
        delayMinutes: Math.round(survey.delaySeconds / 60),
        expiryHours: Math.round(survey.expirySeconds / 3600),
        reminderHours:
          survey.reminderDelaySeconds === null ? '' : Math.round(survey.reminderDelaySeconds / 3600),
        samplePercent: Math.round(survey.sampleRate * 1000) / 10,
      },
      previews,
    });
  }

  private email(survey: Survey, locale: 'ru' | 'en') {
    const question = survey.questions.length === 1 ? survey.questions[0]! : null;
    return this.renderer.surveyEmail({
      locale,
      purpose: 'invitation',
      name: locale === 'ru' ? 'Елена' : 'Helen',
      question: question
        ? {
            text: localize(question.text, locale)!,
            min: question.min,
            max: question.max,
            minLabel: localize(question.minLabel, locale) ?? String(question.min),
            maxLabel: localize(question.maxLabel, locale) ?? String(question.max),
          }
        : null,
      surveyUrl: `${this.config.publicBaseUrl}/s/preview`,
      unsubscribeUrl: `${this.config.publicBaseUrl}/u/preview`,
      expiresAt: new Date(this.clock.now().getTime() + survey.expirySeconds * 1000),
      timeZone: this.config.lenderTimeZone,
    });
  }

  private async survey(key: string): Promise<Survey> {
    const survey = (await this.catalog.programmes()).find((s) => s.key === key);
    if (!survey) throw new NotFoundException('The survey programme');
    return survey;
  }

  @Get('policy')
  async policyPage(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showPolicy(reply, session, 200, { notice });
  }

  @Post('policy')
  async editPolicy(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const text = (name: string) => field(form, name)?.trim() ?? '';
    await submitForm(
      reply,
      '/console/admin/policy?notice=policy_saved',
      (refusal) => this.showPolicy(reply, session, refusal.status, refusal),
      () =>
        this.policy.execute(session.actor, {
          capDays: /^\d{1,3}$/.test(text('capDays')) ? Number(text('capDays')) : Number.NaN,
          touchpoints: text('touchpoints')
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          quietHours: {
            workday: { start: text('workdayStart'), end: text('workdayEnd') },
            dayOff: { start: text('dayOffStart'), end: text('dayOffEnd') },
          },
          maxSendAttempts: /^\d{1,2}$/.test(text('maxSendAttempts'))
            ? Number(text('maxSendAttempts'))
            : Number.NaN,
        }),
    );
  }

  private async showPolicy(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: Outcome,
  ): Promise<void> {
    const { policy } = await this.catalog.current();
    this.send(reply, session, status, 'admin-policy', 'admin.policy', outcome, {
      policy: { ...policy, touchpointList: policy.touchpoints.join(', ') },
    });
  }

  @Get('webhooks')
  async webhooksPage(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showWebhooks(reply, session, 200, { notice });
  }

  @Post('webhooks')
  async createWebhook(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      const endpoint = await this.webhooks.create(session.actor, {
        url: field(form, 'url') ?? '',
        events: fields(form, 'events'),
      });
      await this.showWebhooks(reply, session, 201, { notice: 'webhook_created', secret: endpoint.secret });
    } catch (error) {
      const refusal = refusalOf(error);
      await this.showWebhooks(reply, session, refusal.status, refusal);
    }
  }

  @Post('webhooks/:id')
  async toggleWebhook(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.webhooks.setActive(session.actor, id, field(form, 'active') === 'true');
    seeOther(reply, '/console/admin/webhooks?notice=webhook_updated');
  }

  private async showWebhooks(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: Outcome,
  ): Promise<void> {
    this.send(reply, session, status, 'admin-webhooks', 'admin.webhooks', outcome, {
      endpoints: await this.webhooks.list(),
      events: WEBHOOK_EVENTS,
    });
  }

  @Get('calendar')
  async calendarPage(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const year = this.calendarYear(queryText(query, 'year', 4));
    await this.showCalendar(reply, session, year, 200, { notice: queryText(query, 'notice', 40) ?? null });
  }

  @Post('calendar')
  async setDay(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const day = field(form, 'day') ?? '';
    const year = this.calendarYear(day.slice(0, 4));
    await submitForm(
      reply,
      `/console/admin/calendar?year=${year}&notice=day_saved`,
      (refusal) => this.showCalendar(reply, session, year, refusal.status, refusal),
      () =>
        this.calendar.setDay(session.actor, {
          day,
          kind: field(form, 'kind') ?? '',
          note: field(form, 'note') ?? null,
        }),
    );
  }

  /** The calendar year a page shows: the one asked for when it is 2000–2100, else this year. */
  private calendarYear(text: string | undefined): number {
    const requested = Number(text);
    return Number.isInteger(requested) && requested >= 2000 && requested <= 2100
      ? requested
      : DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone }).year;
  }

  private async showCalendar(
    reply: FastifyReply,
    session: StaffSession,
    year: number,
    status: number,
    outcome: Outcome,
  ): Promise<void> {
    this.send(reply, session, status, 'admin-calendar', 'admin.calendar', outcome, {
      year,
      previousYear: year - 1,
      nextYear: year + 1,
      days: await this.calendar.exceptions(year),
      kinds: ['holiday', 'transferred_day_off', 'transferred_workday', 'shortened', 'workday', 'weekend'],
    });
  }

  private send(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    page: string,
    title: string,
    outcome: Outcome,
    view: Record<string, unknown>,
  ): void {
    const locale = session.user.locale;
    this.pages.send(
      reply,
      status,
      page,
      { session, locale, section: 'admin', title: this.pages.text(locale, title) },
      {
        notice: outcome.notice ?? null,
        error: outcome.error ?? null,
        errors: outcome.errors ?? null,
        secret: outcome.secret ?? null,
        ...view,
      },
    );
  }
}

/** The survey form as changes: texts per language, threshold, channels, timings, sampling, active. */
export function surveyChanges(survey: Survey, form: Record<string, unknown>): SurveyChanges {
  const number = (name: string) => {
    const value = field(form, name)?.trim();
    return value === undefined || value === '' ? Number.NaN : Number(value.replace(',', '.'));
  };
  const reminder = field(form, 'reminderHours')?.trim();
  const commentRu = field(form, 'commentRu')?.trim() ?? '';
  const commentEn = field(form, 'commentEn')?.trim() ?? '';
  return {
    name: field(form, 'name') ?? survey.name,
    questions: survey.questions.map((q, i) => ({
      ...q,
      text: { ru: field(form, `q${i}_ru`) ?? q.text.ru, en: field(form, `q${i}_en`) ?? q.text.en },
    })),
    commentPrompt: commentRu || commentEn ? { ru: commentRu, en: commentEn } : null,
    lowScoreThreshold: number('lowScoreThreshold'),
    channelOrder: (field(form, 'channels') ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean) as Survey['channelOrder'],
    delaySeconds: Math.round(number('delayMinutes') * 60),
    expirySeconds: Math.round(number('expiryHours') * 3600),
    reminderDelaySeconds: reminder ? Math.round(Number(reminder) * 3600) : null,
    sampleRate: number('samplePercent') / 100,
    active: field(form, 'active') === 'on',
  };
}
