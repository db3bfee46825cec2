import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Clock, NotFoundException } from '@app/core';
import { StaffSession } from '@app/identity';
import { TemplateRenderer } from '@app/messaging';
import { CHANNELS, localize, ReviseSurvey, Survey, SurveyCatalog, SurveyChanges } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { field, fields, Form, FormFields, queryText, submitForm } from './forms';

const LOCALES = ['ru', 'en'] as const;

/** The survey form's fields as typed (or as stored, before any typing). */
export interface SurveyForm {
  titleRu: string;
  titleEn: string;
  questions: { id: string; min: number; max: number; ru: string; en: string }[];
  commentRu: string;
  commentEn: string;
  lowScoreThreshold: string;
  /** First, second and third channel ('' when none). */
  channels: [string, string, string];
  delayMinutes: string;
  expiryHours: string;
  reminderHours: string;
  samplePercent: string;
  active: boolean;
}

/**
 * Survey programmes: their texts in both languages, threshold, channels, timings and sample, with the
 * SMS and email as a borrower would get them. Each save is a new version; invitations keep theirs.
 */
@Console('admin')
@Controller('console/admin/surveys')
export class AdminSurveysController {
  constructor(
    private readonly catalog: SurveyCatalog,
    private readonly revise: ReviseSurvey,
    private readonly renderer: TemplateRenderer,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@CurrentSession() session: StaffSession, @Res() reply: FastifyReply): Promise<void> {
    sendAdminPage(
      this.pages,
      reply,
      session,
      200,
      'admin-surveys',
      'admin.surveys',
      {},
      {
        surveys: await this.catalog.programmes(),
      },
    );
  }

  @Get(':key')
  async page(
    @CurrentSession() session: StaffSession,
    @Param('key') key: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const survey = await this.survey(key);
    this.show(reply, session, survey, storedForm(survey), 200, {
      notice: queryText(query, 'notice', 40) ?? null,
    });
  }

  @Post(':key')
  async save(
    @CurrentSession() session: StaffSession,
    @Param('key') key: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const survey = await this.survey(key);
    const typed = typedForm(survey, form);
    await submitForm(
      reply,
      `/console/admin/surveys/${encodeURIComponent(key)}?notice=survey_revised`,
      async (refusal) => this.show(reply, session, survey, typed, refusal.status, refusal),
      () => this.revise.execute(session.actor, key, surveyChanges(survey, typed)),
    );
  }

  /** The email as a borrower would get it, in its own sandboxed frame (email HTML carries inline styles). */
  @Get(':key/email-preview')
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

  private show(
    reply: FastifyReply,
    session: StaffSession,
    survey: Survey,
    form: SurveyForm,
    status: number,
    outcome: AdminOutcome,
  ): void {
    const previews = LOCALES.map((locale) => ({
      locale,
      sms:
        survey.kind === 'CLI' || !survey.channelOrder.includes('sms')
          ? null
          : this.renderer.sms('invitation', survey.kind, locale),
      email: survey.channelOrder.includes('email') ? this.email(survey, locale) : null,
      emailUrl: `/console/admin/surveys/${encodeURIComponent(survey.key)}/email-preview?locale=${locale}`,
    }));
    sendAdminPage(this.pages, reply, session, status, 'admin-survey', 'admin.survey', outcome, {
      survey,
      form,
      channels: CHANNELS,
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
}

/** The form as the stored programme fills it. */
export function storedForm(survey: Survey): SurveyForm {
  const [first = '', second = '', third = ''] = survey.channelOrder;
  return {
    titleRu: survey.title.ru,
    titleEn: survey.title.en,
    questions: survey.questions.map((q) => ({
      id: q.id,
      min: q.min,
      max: q.max,
      ru: q.text.ru ?? '',
      en: q.text.en ?? '',
    })),
    commentRu: survey.commentPrompt?.ru ?? '',
    commentEn: survey.commentPrompt?.en ?? '',
    lowScoreThreshold: String(survey.lowScoreThreshold),
    channels: [first, second, third],
    delayMinutes: String(Math.round(survey.delaySeconds / 60)),
    expiryHours: String(Math.round(survey.expirySeconds / 3600)),
    reminderHours:
      survey.reminderDelaySeconds === null ? '' : String(Math.round(survey.reminderDelaySeconds / 3600)),
    samplePercent: String(Math.round(survey.sampleRate * 1000) / 10),
    active: survey.active,
  };
}

/** The form as typed; a field left out keeps the stored value (the questions are the programme's). */
export function typedForm(survey: Survey, form: Record<string, unknown>): SurveyForm {
  const stored = storedForm(survey);
  const text = (name: keyof SurveyForm) => field(form, name) ?? (stored[name] as string);
  // Three lists (first, second, third channel), or one comma-separated field from a script.
  const [first = '', second = '', third = ''] = fields(form, 'channels')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim());
  return {
    titleRu: text('titleRu'),
    titleEn: text('titleEn'),
    questions: stored.questions.map((q, i) => ({
      ...q,
      ru: field(form, `q${i}_ru`) ?? q.ru,
      en: field(form, `q${i}_en`) ?? q.en,
    })),
    commentRu: field(form, 'commentRu') ?? '',
    commentEn: field(form, 'commentEn') ?? '',
    lowScoreThreshold: text('lowScoreThreshold'),
    channels: [first, second, third],
    delayMinutes: text('delayMinutes'),
    expiryHours: text('expiryHours'),
    reminderHours: field(form, 'reminderHours') ?? '',
    samplePercent: text('samplePercent'),
    active: field(form, 'active') === 'on',
  };
}

/** The typed form as changes to the programme; a figure that is not one becomes NaN, which the use case refuses. */
export function surveyChanges(survey: Survey, form: SurveyForm): SurveyChanges {
  const number = (value: string) =>
    value.trim() === '' ? Number.NaN : Number(value.trim().replace(',', '.'));
  const commentRu = form.commentRu.trim();
  const commentEn = form.commentEn.trim();
  return {
    title: { ru: form.titleRu.trim(), en: form.titleEn.trim() },
    questions: survey.questions.map((q, i) => ({
      ...q,
      text: { ru: form.questions[i]?.ru ?? '', en: form.questions[i]?.en ?? '' },
    })),
    commentPrompt: commentRu || commentEn ? { ru: commentRu, en: commentEn } : null,
    lowScoreThreshold: number(form.lowScoreThreshold),
    channelOrder: form.channels.filter(Boolean) as Survey['channelOrder'],
    delaySeconds: Math.round(number(form.delayMinutes) * 60),
    expirySeconds: Math.round(number(form.expiryHours) * 3600),
    reminderDelaySeconds: form.reminderHours.trim() ? Math.round(number(form.reminderHours) * 3600) : null,
    sampleRate: number(form.samplePercent) / 100,
    active: form.active,
  };
}
