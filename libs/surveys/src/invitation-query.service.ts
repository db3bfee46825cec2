import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock, isUuid, NotFoundException } from '@app/core';
import { DataSource } from 'typeorm';
import { Channel, Locale, LocalizedText, SurveyKind, SurveyQuestion } from './survey.model';

export interface InvitationView {
  id: string;
  status: string;
  channel: Channel;
  survey: string;
  sendAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  answeredAt: string | null;
  expiresAt: string;
  response: { score: number; answers: Record<string, number>; comment: string | null } | null;
}

export interface TokenInvitation {
  id: string;
  status: string;
  expiresAt: Date;
  surveyId: string;
  locale: Locale;
  /** The survey was opened before (the page viewed, or fetched in the app). */
  opened: boolean;
  response: { score: number; low: boolean; comment: string | null; submittedAt: Date } | null;
}

export interface PendingSurvey {
  invitationId: string;
  expiresAt: string;
  survey: {
    key: string;
    kind: SurveyKind;
    questions: {
      id: string;
      text: string;
      min: number;
      max: number;
      minLabel: string | null;
      maxLabel: string | null;
    }[];
    commentPrompt: string | null;
  };
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function localize(text: LocalizedText | null | undefined, locale: Locale): string | null {
  if (!text) return null;
  return text[locale] ?? text.ru ?? text.en ?? null;
}

/** An invitation waiting for its send time (a delay, quiet hours, a retry). */
export interface ScheduledSend {
  id: string;
  channel: 'sms' | 'email';
  surveyKey: string;
  /** When dispatch will take it: its retry time, else its send time. */
  sendAt: string;
  recipient: string | null;
}

/** Reads of invitations: one invitation's state, a borrower's open in-app surveys, the sends still to come. */
@Injectable()
export class InvitationQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async get(id: string): Promise<InvitationView> {
    if (!isUuid(id)) throw new NotFoundException('The invitation');
    const rows: {
      id: string;
      status: string;
      channel: Channel;
      key: string;
      send_at: Date;
      sent_at: Date | null;
      delivered_at: Date | null;
      answered_at: Date | null;
      expires_at: Date;
      score: string | null;
      answers: Record<string, number> | null;
      comment: string | null;
    }[] = await this.db.query(
      `SELECT i.id, i.status, i.channel, s.key, i.send_at, i.sent_at, i.delivered_at, i.answered_at, i.expires_at,
              r.score, r.answers, r.comment
         FROM invitation i JOIN survey s ON s.id = i.survey_id LEFT JOIN response r ON r.invitation_id = i.id
        WHERE i.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException('The invitation');
    return {
      id: row.id,
      status: row.status,
      channel: row.channel,
      survey: row.key,
      sendAt: row.send_at.toISOString(),
      sentAt: iso(row.sent_at),
      deliveredAt: iso(row.delivered_at),
      answeredAt: iso(row.answered_at),
      expiresAt: row.expires_at.toISOString(),
      response: row.answers ? { score: Number(row.score), answers: row.answers, comment: row.comment } : null,
    };
  }

  /** The invitation behind a survey link (by the token's hash), with its response if answered. */
  async byTokenHash(tokenHash: Buffer): Promise<TokenInvitation | null> {
    const rows: {
      id: string;
      status: string;
      expires_at: Date;
      survey_id: string;
      locale: Locale;
      opened: boolean;
      score: string | null;
      low: boolean | null;
      comment: string | null;
      submitted_at: Date | null;
    }[] = await this.db.query(
      `SELECT i.id, i.status, i.expires_at, i.survey_id, i.locale, i.opened_at IS NOT NULL AS opened, r.score, r.low, r.comment, r.submitted_at
         FROM invitation i LEFT JOIN response r ON r.invitation_id = i.id WHERE i.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      status: row.status,
      expiresAt: row.expires_at,
      surveyId: row.survey_id,
      locale: row.locale,
      opened: row.opened,
      response: row.submitted_at
        ? { score: Number(row.score), low: row.low!, comment: row.comment, submittedAt: row.submitted_at }
        : null,
    };
  }

  /** Open in-app invitations of a borrower (released by the worker, not answered, not expired), in the borrower's locale. */
  async pendingInApp(borrowerExternalId: string): Promise<PendingSurvey[]> {
    const rows: {
      id: string;
      expires_at: Date;
      locale: Locale;
      key: string;
      kind: SurveyKind;
      questions: SurveyQuestion[];
      comment_prompt: LocalizedText | null;
    }[] = await this.db.query(
      `SELECT i.id, i.expires_at, b.locale, s.key, s.kind, s.questions, s.comment_prompt
         FROM borrower b
         JOIN invitation i ON i.borrower_id = b.id AND i.channel = 'in_app' AND i.status IN ('sent', 'delivered')
         JOIN survey s ON s.id = i.survey_id
        WHERE b.external_id = $1 AND i.expires_at > $2
        ORDER BY i.send_at`,
      [borrowerExternalId, this.clock.now()],
    );
    return rows.map((row) => ({
      invitationId: row.id,
      expiresAt: row.expires_at.toISOString(),
      survey: {
        key: row.key,
        kind: row.kind,
        questions: row.questions.map((q) => ({
          id: q.id,
          text: localize(q.text, row.locale)!,
          min: q.min,
          max: q.max,
          minLabel: localize(q.minLabel, row.locale),
          maxLabel: localize(q.maxLabel, row.locale),
        })),
        commentPrompt: localize(row.comment_prompt, row.locale),
      },
    }));
  }

  /** The next invitations to go out by SMS or email, soonest first: what the Outbox shows as scheduled. */
  async scheduledSends(channels: ('sms' | 'email')[], limit = 20): Promise<ScheduledSend[]> {
    if (channels.length === 0) return [];
    const rows: {
      id: string;
      channel: 'sms' | 'email';
      key: string;
      send_at: Date;
      recipient: string | null;
    }[] = await this.db.query(
      `SELECT i.id, i.channel, s.key, coalesce(i.next_attempt_at, i.send_at) AS send_at,
              CASE i.channel WHEN 'sms' THEN b.phone ELSE b.email END AS recipient
         FROM invitation i JOIN survey s ON s.id = i.survey_id JOIN borrower b ON b.id = i.borrower_id
        WHERE i.status = 'scheduled' AND i.channel = ANY($1::text[])
        ORDER BY coalesce(i.next_attempt_at, i.send_at), i.id LIMIT $2`,
      [channels, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      surveyKey: r.key,
      sendAt: r.send_at.toISOString(),
      recipient: r.recipient,
    }));
  }
}
