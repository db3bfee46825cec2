import { createHmac } from 'node:crypto';
import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { Clock, constantTimeEqual, DomainException, secretDigest } from '@app/core';
import {
  COMMENT_EDIT_WINDOW_MS,
  InvitationLifecycle,
  InvitationQueries,
  localize,
  RecordResponse,
  TOKEN_PATTERN,
  Survey,
  TokenInvitation,
  UpdateComment,
} from '@app/surveys';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRateLimits } from '../http/public-rate-limits.service';
import { PageLocale, PageRenderer } from './page-renderer.service';

type Form = Record<string, unknown>;

/**
 * The survey page behind every link: `GET /s/:token` shows it (never records anything, `?score=N`
 * only pre-selects), `POST /s/:token` records and redirects to the thank-you page, which lets the
 * borrower add or edit a comment for a while. Works without JavaScript; strict CSP with a nonce.
 */
@ApiExcludeController()
@Controller('s')
export class SurveyPageController {
  constructor(
    private readonly invitations: InvitationQueries,
    private readonly lifecycle: InvitationLifecycle,
    private readonly responses: RecordResponse,
    private readonly comments: UpdateComment,
    private readonly pages: PageRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly limits: PublicRateLimits,
  ) {}

  @Get(':token')
  async show(
    @Param('token') token: string,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const found = await this.open(token, query.lang, req, reply);
    if (!found) return;
    const { invitation, locale } = found;
    if (invitation.response) return this.thanks(reply, token, invitation, locale, false);
    if (!invitation.opened) await this.lifecycle.markOpened([invitation.id], this.clock.now());
    const score =
      typeof query.score === 'string' && /^\d{1,2}$/.test(query.score) ? Number(query.score) : null;
    return this.surveyForm(
      reply,
      200,
      token,
      invitation,
      locale,
      score === null ? {} : { first: score },
      '',
      false,
    );
  }

  @Post(':token')
  async submit(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const form = asForm(body);
    const found = await this.open(token, form.lang, req, reply);
    if (!found) return;
    const { invitation, locale } = found;
    if (!this.validCsrf(invitation.id, form.csrf))
      return this.message(reply, 403, locale, 'notFoundTitle', 'notFoundText');
    if (invitation.response) return this.redirectToThanks(reply, token, locale);
    const survey = await this.responses.surveyOf(invitation.surveyId);
    const answers: Record<string, unknown> = {};
    for (const q of survey.questions) {
      const raw = form[`q_${q.id}`];
      answers[q.id] = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : undefined;
    }
    const comment = typeof form.comment === 'string' ? form.comment : '';
    try {
      await this.responses.execute({ tokenHash: secretDigest(token) }, { answers, comment, source: 'web' });
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      if (error.code === 'already_answered') return this.redirectToThanks(reply, token, locale);
      if (error.code === 'invitation_expired')
        return this.message(reply, 410, locale, 'expiredTitle', 'expiredText');
      if (error.code === 'validation_failed') {
        const chosen = Object.fromEntries(
          Object.entries(answers).filter(([, v]) => typeof v === 'number'),
        ) as Record<string, number>;
        return this.surveyForm(reply, 400, token, invitation, locale, chosen, comment.slice(0, 2000), true);
      }
      return this.message(reply, 404, locale, 'notFoundTitle', 'notFoundText');
    }
    return this.redirectToThanks(reply, token, locale);
  }

  @Get(':token/thanks')
  async thanksPage(
    @Param('token') token: string,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const found = await this.open(token, query.lang, req, reply);
    if (!found) return;
    if (!found.invitation.response)
      return this.surveyForm(reply, 200, token, found.invitation, found.locale, {}, '', false);
    return this.thanks(reply, token, found.invitation, found.locale, query.saved === '1');
  }

  @Post(':token/comment')
  async comment(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const form = asForm(body);
    const found = await this.open(token, form.lang, req, reply);
    if (!found) return;
    const { invitation, locale } = found;
    if (!this.validCsrf(invitation.id, form.csrf) || !invitation.response)
      return this.message(reply, 403, locale, 'notFoundTitle', 'notFoundText');
    try {
      await this.comments.execute(
        { tokenHash: secretDigest(token) },
        typeof form.comment === 'string' ? form.comment : null,
        COMMENT_EDIT_WINDOW_MS,
      );
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      return this.thanks(
        reply,
        token,
        invitation,
        locale,
        false,
        error.code === 'validation_failed' ? 400 : 409,
      );
    }
    void reply.status(303).header('Location', `/s/${token}/thanks?lang=${locale}&saved=1`).send();
  }

  /** Rate limits, token shape, lookup, expiry: answers the request itself and returns null when the page ends here. */
  private async open(
    token: string,
    lang: unknown,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ invitation: TokenInvitation; locale: PageLocale } | null> {
    const requested = lang === 'en' || lang === 'ru' ? lang : null;
    if (!this.limits.allowPage(req.ip, token)) {
      this.message(reply, 429, requested ?? this.config.defaultLocale, 'tooManyTitle', 'tooManyText');
      return null;
    }
    const invitation = TOKEN_PATTERN.test(token)
      ? await this.invitations.byTokenHash(secretDigest(token))
      : null;
    if (!invitation || invitation.status === 'scheduled' || invitation.status === 'cancelled') {
      this.message(reply, 404, requested ?? this.config.defaultLocale, 'notFoundTitle', 'notFoundText');
      return null;
    }
    const locale = requested ?? invitation.locale;
    if (
      !invitation.response &&
      (invitation.status === 'expired' || invitation.expiresAt <= this.clock.now())
    ) {
      this.message(reply, 410, locale, 'expiredTitle', 'expiredText');
      return null;
    }
    return { invitation, locale };
  }

  private async surveyForm(
    reply: FastifyReply,
    status: number,
    token: string,
    invitation: TokenInvitation,
    locale: PageLocale,
    chosen: Record<string, number>,
    comment: string,
    error: boolean,
  ): Promise<void> {
    const survey = await this.responses.surveyOf(invitation.surveyId);
    this.pages.send(reply, status, 'survey', locale, {
      ...surveyPageView(survey, locale, chosen),
      action: `/s/${token}`,
      csrf: this.csrf(invitation.id),
      comment,
      error,
    });
  }

  private thanks(
    reply: FastifyReply,
    token: string,
    invitation: TokenInvitation,
    locale: PageLocale,
    saved: boolean,
    status = 200,
  ): void {
    const response = invitation.response!;
    this.pages.send(reply, status, 'thanks', locale, {
      action: `/s/${token}/comment`,
      csrf: this.csrf(invitation.id),
      low: response.low,
      saved,
      canComment: this.clock.now().getTime() - response.submittedAt.getTime() <= COMMENT_EDIT_WINDOW_MS,
      comment: response.comment ?? '',
    });
  }

  private redirectToThanks(reply: FastifyReply, token: string, locale: PageLocale): void {
    void reply.status(303).header('Location', `/s/${token}/thanks?lang=${locale}`).send();
  }

  private message(
    reply: FastifyReply,
    status: number,
    locale: PageLocale,
    heading: string,
    text: string,
  ): void {
    const t = this.pages.texts(locale);
    this.pages.send(reply, status, 'message', locale, {
      heading: t[heading],
      text: t[text],
      title: t[heading],
    });
  }

  /** A form token bound to the invitation: only a page we rendered for this link can post to it. */
  private csrf(invitationId: string): string {
    return createHmac('sha256', this.config.appSecret)
      .update(`survey-form:${invitationId}`)
      .digest('base64url')
      .slice(0, 32);
  }

  private validCsrf(invitationId: string, value: unknown): boolean {
    return typeof value === 'string' && constantTimeEqual(value, this.csrf(invitationId));
  }
}

function asForm(body: unknown): Form {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Form) : {};
}

/** The survey page's questions and prompt in a language, with the scores already chosen (the admin's preview uses it too). */
export function surveyPageView(
  survey: Survey,
  locale: PageLocale,
  chosen: Record<string, number>,
): { questions: unknown[]; commentPrompt: string | null; otherLocale: PageLocale } {
  return {
    otherLocale: locale === 'ru' ? 'en' : 'ru',
    commentPrompt: localize(survey.commentPrompt, locale),
    questions: survey.questions.map((q, index) => {
      const selected = chosen[q.id] ?? (index === 0 ? chosen.first : undefined);
      return {
        id: q.id,
        text: localize(q.text, locale),
        min: q.min,
        max: q.max,
        minLabel: localize(q.minLabel, locale) ?? '',
        maxLabel: localize(q.maxLabel, locale) ?? '',
        options: Array.from({ length: q.max - q.min + 1 }, (_, i) => ({
          value: q.min + i,
          checked: selected === q.min + i,
        })),
      };
    }),
  };
}
