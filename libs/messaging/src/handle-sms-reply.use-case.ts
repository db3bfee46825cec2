import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock, DomainException } from '@app/core';
import {
  OptOutService,
  parseSmsReply,
  RecordResponse,
  SMS_COMMENT_WINDOW_MS,
  UpdateComment,
  checkComment,
} from '@app/surveys';
import { DataSource, EntityManager } from 'typeorm';
import { InboundSms } from './sms-webhooks.port';
import { MessageLocale, TemplateRenderer } from './template-renderer.service';

interface Candidate {
  id: string;
  status: string;
  survey_id: string;
  borrower_id: string;
  locale: MessageLocale;
  answered_at: Date | null;
}

/**
 * A borrower's SMS reply: STOP/START, a score for their latest open SMS survey, or a text that becomes
 * the comment of the rating they just gave. The same MessageSid is processed once (its row is the lock).
 * Returns the text to answer with (TwiML), or null for no answer.
 */
@Injectable()
export class HandleSmsReply {
  private readonly logger = new Logger(HandleSmsReply.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly record: RecordResponse,
    private readonly comments: UpdateComment,
    private readonly optOuts: OptOutService,
    private readonly renderer: TemplateRenderer,
    private readonly clock: Clock,
  ) {}

  async execute(sms: InboundSms): Promise<string | null> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const first: unknown[] = await manager.query(
        `INSERT INTO inbound_message (provider_message_id, outcome, received_at) VALUES ($1, 'received', $2)
         ON CONFLICT (provider_message_id) DO NOTHING RETURNING provider_message_id`,
        [sms.messageSid, now],
      );
      if (first.length === 0) return null;
      const { outcome, reply, borrowerId } = await this.handle(manager, sms, now);
      await manager.query(
        `UPDATE inbound_message SET outcome = $2, borrower_id = $3 WHERE provider_message_id = $1`,
        [sms.messageSid, outcome, borrowerId],
      );
      this.logger.log({ outcome }, 'SMS reply handled');
      return reply;
    });
  }

  private async handle(
    manager: EntityManager,
    sms: InboundSms,
    now: Date,
  ): Promise<{ outcome: string; reply: string | null; borrowerId: string | null }> {
    const candidates: Candidate[] = await manager.query(
      `SELECT i.id, i.status, i.survey_id, i.borrower_id, i.locale, i.answered_at
         FROM borrower b JOIN invitation i ON i.borrower_id = b.id
        WHERE b.phone = $1 AND i.channel = 'sms' AND i.status IN ('sent', 'delivered', 'answered')
          AND (i.status = 'answered' OR i.expires_at > $2)
        ORDER BY i.sent_at DESC LIMIT 1`,
      [sms.from, now],
    );
    const latest = candidates[0] ?? null;
    const open = latest && latest.status !== 'answered' ? latest : null;
    const survey = open ? await this.record.surveyOf(open.survey_id) : null;
    const scale = survey
      ? { min: survey.questions[0]!.min, max: survey.questions[0]!.max }
      : latest
        ? await this.scaleOf(latest)
        : null;
    const parsed = parseSmsReply(sms.body, scale);
    const locale = latest?.locale ?? 'ru';
    const borrowerId = latest?.borrower_id ?? null;

    if (parsed.kind === 'stop' || parsed.kind === 'start') {
      // Twilio answers STOP/START itself on long codes and blocks our messages after STOP: no reply.
      await this.optOuts.setSmsOptOutByPhone(manager, sms.from, parsed.kind === 'stop', now);
      return { outcome: parsed.kind, reply: null, borrowerId };
    }
    if (!latest) return { outcome: 'no_survey', reply: null, borrowerId };

    if (parsed.kind === 'score' && open) {
      const recorded = await this.record.record(
        manager,
        { invitationId: open.id },
        { [survey!.questions[0]!.id]: parsed.value },
        null,
        'sms',
      );
      return {
        outcome: recorded.low ? 'low_score' : 'score',
        reply: this.renderer.smsReply(recorded.low ? 'thanksLow' : 'thanks', locale),
        borrowerId,
      };
    }
    if (parsed.kind === 'out_of_range' || (parsed.kind === 'text' && open)) {
      return {
        outcome: 'asked_again',
        reply: this.renderer.smsReply('askAgain', locale, scale ?? { min: 1, max: 5 }),
        borrowerId,
      };
    }
    if (parsed.kind === 'score')
      return {
        outcome: 'already_answered',
        reply: this.renderer.smsReply('alreadyAnswered', locale),
        borrowerId,
      };

    // A text after the rating: the comment of that response, while the window lasts.
    if (!latest.answered_at || now.getTime() - latest.answered_at.getTime() > SMS_COMMENT_WINDOW_MS) {
      return { outcome: 'ignored_text', reply: null, borrowerId };
    }
    try {
      checkComment(parsed.text);
      await this.comments.update(
        manager,
        { invitationId: latest.id },
        parsed.text.slice(0, 2000),
        SMS_COMMENT_WINDOW_MS,
        'append',
      );
    } catch (error) {
      if (error instanceof DomainException) return { outcome: 'comment_refused', reply: null, borrowerId };
      throw error;
    }
    return { outcome: 'comment', reply: this.renderer.smsReply('commentSaved', locale), borrowerId };
  }

  private async scaleOf(invitation: Candidate): Promise<{ min: number; max: number }> {
    const survey = await this.record.surveyOf(invitation.survey_id);
    return { min: survey.questions[0]!.min, max: survey.questions[0]!.max };
  }
}
