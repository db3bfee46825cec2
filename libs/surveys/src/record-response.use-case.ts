import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackTaskOpener } from '@app/callbacks';
import { WebhookOutbox } from '@app/webhooks';
import { Clock, DomainException, isPlainText, NotFoundException, ValidationFailedException } from '@app/core';
import { DataSource, EntityManager } from 'typeorm';
import { CommentKeywords } from './comment-keywords.repository';
import { mentionsRegulator } from './comment-tags';
import { scoreAnswers } from './scoring';
import { SurveyCatalog } from './survey-catalog.service';
import { CAMPAIGN_TOUCHPOINT } from './survey.model';
import { Survey } from './survey.model';

export type ResponseSource = 'web' | 'sms' | 'in_app';
export type InvitationLocator = { invitationId: string } | { tokenHash: Buffer };

export interface RecordedResponse {
  responseId: string;
  score: number;
  low: boolean;
  callbackTaskId: string | null;
}

export const COMMENT_MAX_LENGTH = 2000;
/** How long after answering a borrower may add or edit the comment on the page. */
export const COMMENT_EDIT_WINDOW_MS = 30 * 60_000;
/** How long after answering by SMS a text reply still becomes the comment. */
export const SMS_COMMENT_WINDOW_MS = 24 * 3600_000;

interface OpenInvitation {
  id: string;
  status: string;
  channel: string;
  locale: string;
  expires_at: Date;
  survey_id: string;
  borrower_id: string;
  touchpoint: string;
  product: string | null;
  borrower_external_id: string;
}

/** A comment is free text, but not control characters (tabs and line breaks aside). */
export function checkComment(comment: string | null | undefined): string | null {
  if (comment === null || comment === undefined) return null;
  const text = comment.trim();
  if (text.length > COMMENT_MAX_LENGTH)
    throw new ValidationFailedException([
      { path: 'comment', message: `must be at most ${COMMENT_MAX_LENGTH} characters` },
    ]);
  if (!isPlainText(text, 'multiline')) {
    throw new ValidationFailedException([
      { path: 'comment', message: 'must not contain control characters' },
    ]);
  }
  return text.length > 0 ? text : null;
}

/**
 * Records a borrower's answers, whichever way they came (survey page, SMS reply, in-app API), and in
 * the same transaction opens the callback task of a low score. One response per invitation: the
 * invitation row is locked and the response's unique key is the last word, so of two concurrent
 * submissions exactly one wins and the other is told it was answered already.
 */
@Injectable()
export class RecordResponse {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: SurveyCatalog,
    private readonly tasks: CallbackTaskOpener,
    private readonly webhooks: WebhookOutbox,
    private readonly clock: Clock,
    private readonly keywords: CommentKeywords,
  ) {}

  async execute(
    locator: InvitationLocator,
    input: { answers: Record<string, unknown>; comment?: string | null; source: ResponseSource },
  ): Promise<RecordedResponse> {
    const comment = checkComment(input.comment);
    return this.db.transaction((manager) =>
      this.record(manager, locator, input.answers, comment, input.source),
    );
  }

  /** The survey version an invitation was made with (for rendering and validation). */
  async surveyOf(invitationSurveyId: string): Promise<Survey> {
    const survey = await this.catalog.byId(invitationSurveyId);
    if (!survey) throw new NotFoundException('The survey');
    return survey;
  }

  async record(
    manager: EntityManager,
    locator: InvitationLocator,
    answers: Record<string, unknown>,
    comment: string | null,
    source: ResponseSource,
  ): Promise<RecordedResponse> {
    const now = this.clock.now();
    const where = 'invitationId' in locator ? 'i.id = $1' : 'i.token_hash = $1';
    const rows: OpenInvitation[] = await manager.query(
      `SELECT i.id, i.status, i.channel, i.locale, i.expires_at, i.survey_id, i.borrower_id,
              coalesce(e.touchpoint, '${CAMPAIGN_TOUCHPOINT}') AS touchpoint, coalesce(e.product, i.product) AS product,
              b.external_id AS borrower_external_id
         FROM invitation i LEFT JOIN contact_event e ON e.id = i.contact_event_id JOIN borrower b ON b.id = i.borrower_id
        WHERE ${where} FOR UPDATE OF i`,
      ['invitationId' in locator ? locator.invitationId : locator.tokenHash],
    );
    const invitation = rows[0];
    // The in-app API answers in-app invitations only: an SMS or email survey is the borrower's own to
    // answer, and an integrator must not pre-empt it (nor the callback task it may open).
    if (!invitation || (source === 'in_app' && invitation.channel !== 'in_app'))
      throw new NotFoundException('The invitation');
    if (invitation.status === 'answered')
      throw new DomainException('already_answered', 'This survey has been answered already.');
    if (
      invitation.status === 'expired' ||
      invitation.status === 'cancelled' ||
      invitation.expires_at <= now
    ) {
      throw new DomainException('invitation_expired', 'This survey has expired.');
    }
    if (invitation.status === 'scheduled')
      throw new DomainException('conflict', 'This survey has not been sent yet.');

    const survey = await this.surveyOf(invitation.survey_id);
    const result = scoreAnswers(survey, answers);
    if ('errors' in result) throw new ValidationFailedException(result.errors);
    const { scored } = result;
    const tags = (await this.keywords.tagger()).tag(comment);

    const inserted: { id: string }[] = await manager.query(
      // One round trip: the response, and the invitation marked answered only if the response went in.
      `WITH r AS (
         INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, product, locale, answers, score, low, comment, tags, source, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (invitation_id) DO NOTHING RETURNING id),
       u AS (UPDATE invitation SET status = 'answered', answered_at = $14, remind_at = NULL
              WHERE id = $1 AND EXISTS (SELECT 1 FROM r))
       SELECT id FROM r`,
      [
        invitation.id,
        survey.id,
        invitation.borrower_id,
        invitation.touchpoint,
        invitation.channel,
        invitation.product,
        invitation.locale,
        JSON.stringify(scored.answers),
        scored.score,
        scored.low,
        comment,
        tags,
        source,
        now,
      ],
    );
    if (!inserted[0]) throw new DomainException('already_answered', 'This survey has been answered already.');
    const responseId = inserted[0].id;

    let callbackTaskId: string | null = null;
    if (scored.low) {
      const scale = survey.questions[0]!;
      const regulatorMention = mentionsRegulator(comment);
      const task = await this.tasks.open(manager, {
        responseId,
        borrowerId: invitation.borrower_id,
        score: scored.score,
        scale: { min: scale.min, max: scale.max },
        threshold: survey.lowScoreThreshold,
        tags,
        mentionsRegulator: regulatorMention,
        submittedAt: now,
      });
      callbackTaskId = task.id;
      await this.webhooks.emit(manager, 'callback_task.created', `callback_task.created:${task.id}`, {
        callbackTaskId: task.id,
        responseId,
        invitationId: invitation.id,
        borrowerExternalId: invitation.borrower_external_id,
        priority: task.priority,
        regulatorMention,
        firstContactDueAt: task.firstContactDueAt.toISOString(),
      });
    }
    // Ids, scores and tags only: the comment stays in Resonance (an integrator reads it through the API).
    await this.webhooks.emit(manager, 'response.received', `response.received:${responseId}`, {
      responseId,
      invitationId: invitation.id,
      borrowerExternalId: invitation.borrower_external_id,
      survey: survey.key,
      kind: survey.kind,
      score: scored.score,
      low: scored.low,
      source,
      tags,
      callbackTaskId,
    });
    return { responseId, score: scored.score, low: scored.low, callbackTaskId };
  }
}
