import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Clock, NotFoundException, smsSegments } from '@app/core';
import { StaffSession } from '@app/identity';
import { TemplateRenderer } from '@app/messaging';
import {
  CHANNELS,
  CreateProgramme,
  localize,
  PROGRAMME_KINDS,
  ReviseSurvey,
  Survey,
  SurveyCatalog,
} from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { PageRenderer } from '../public/page-renderer.service';
import { surveyPageView } from '../public/survey-page.controller';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { NewProgrammeForm, SurveyEditForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, queryText, submitForm } from './forms';
import { storedForm, SurveyForm, surveyChanges, typedForm } from './survey-form';

const LOCALES = ['ru', 'en'] as const;

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
    private readonly programmes: CreateProgramme,
    private readonly publicPages: PageRenderer,
    private readonly renderer: TemplateRenderer,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@CurrentSession() session: StaffSession, @Res() reply: FastifyReply): Promise<void> {
    await this.showList(reply, session, 200, {});
  }

  /** A new programme from a kind's starting questions, or a copy of another; it starts paused. */
  @Post()
  async createProgramme(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = {
      key: field(form, 'key') ?? '',
      kind: field(form, 'kind') ?? '',
      copyOf: field(form, 'copyOf') ?? '',
      titleRu: field(form, 'titleRu') ?? '',
      titleEn: field(form, 'titleEn') ?? '',
    };
    // The new programme opens on its own page, to be worded and published.
    await submitForm(
      reply,
      `/console/admin/surveys/${encodeURIComponent(values.key.trim())}?notice=survey_created`,
      (refusal) => this.showList(reply, session, refusal.status, refusal, values),
      async () => {
        const input = await formDto(NewProgrammeForm, form);
        return this.programmes.execute(session.actor, {
          key: input.key.trim(),
          kind: input.kind || null,
          copyOf: input.copyOf || null,
          title: { ru: input.titleRu.trim(), en: input.titleEn.trim() },
        });
      },
    );
  }

  private async showList(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values = { key: '', kind: 'NPS', copyOf: '', titleRu: '', titleEn: '' },
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-surveys', 'admin.surveys', outcome, {
      surveys: await this.catalog.programmes(),
      kinds: PROGRAMME_KINDS,
      values,
    });
  }

  @Get(':key')
  async page(
    @CurrentSession() session: StaffSession,
    @Param('key') key: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const survey = await this.survey(key);
    await this.show(reply, session, survey, storedForm(survey), 200, {
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
      async () => {
        await formDto(SurveyEditForm, form);
        return this.revise.execute(session.actor, key, surveyChanges(survey, typed));
      },
    );
  }

  /** The survey page as a borrower would see it, in a sandboxed frame: no script, and its form posts nowhere. */
  @Get(':key/page-preview')
  async pagePreview(
    @Param('key') key: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const survey = await this.survey(key);
    const locale = query.locale === 'en' ? 'en' : 'ru';
    const html = this.publicPages.render('survey', locale, 'preview', {
      ...surveyPageView(survey, locale, {}),
      action: '#',
      csrf: '',
      comment: '',
      error: false,
    });
    sendSandboxed(reply, html);
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
    sendSandboxed(reply, this.email(survey, locale).html);
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    survey: Survey,
    form: SurveyForm,
    status: number,
    outcome: AdminOutcome,
  ): Promise<void> {
    const { policy } = await this.catalog.current();
    const previews = LOCALES.map((locale) => ({
      locale,
      sms:
        survey.kind === 'CLI' || !survey.channelOrder.includes('sms')
          ? null
          : (survey.smsText?.[locale] ?? this.renderer.sms('invitation', survey.kind, locale)),
      email: survey.channelOrder.includes('email') ? this.email(survey, locale) : null,
      emailUrl: `/console/admin/surveys/${encodeURIComponent(survey.key)}/email-preview?locale=${locale}`,
      pageUrl: `/console/admin/surveys/${encodeURIComponent(survey.key)}/page-preview?locale=${locale}`,
    }));
    sendAdminPage(this.pages, reply, session, status, 'admin-survey', 'admin.survey', outcome, {
      survey,
      form,
      channels: CHANNELS,
      touchpoints: policy.touchpoints.map((t) => ({ value: t, checked: form.touchpoints.includes(t) })),
      // The SMS texts as they stand, with what they cost; the default text shows as the placeholder.
      sms: LOCALES.map((locale) => {
        const text = locale === 'ru' ? form.smsRu : form.smsEn;
        const fallback = survey.kind === 'CLI' ? '' : this.renderer.sms('invitation', survey.kind, locale);
        return {
          locale,
          name: locale === 'ru' ? 'smsRu' : 'smsEn',
          text,
          fallback,
          ...smsSegments(text || fallback),
        };
      }),
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

/** A preview for a console frame: no script, no network, nothing it can submit. */
function sendSandboxed(reply: FastifyReply, html: string): void {
  void reply
    .status(200)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('X-Frame-Options', 'SAMEORIGIN')
    .header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; sandbox",
    )
    .send(html);
}
