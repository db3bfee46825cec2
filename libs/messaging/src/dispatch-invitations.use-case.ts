import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextAllowedSendTime, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock } from '@app/core';
import { invitationToken, localize, Survey, SurveyCatalog } from '@app/surveys';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';
import { EmailSender, SendFailure, SendReceipt, SmsSender } from './sender.port';
import { SmsPacer } from './sms-pacer.service';
import { MessagePurpose, MessageLocale, TemplateRenderer } from './template-renderer.service';

/** How long a claimed invitation stays invisible to other workers while this one sends it. */
const LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 30_000;
const SEND_CONCURRENCY = 8;
const BACKOFF_MAX_MS = 60 * 60_000;

interface ClaimedInvitation {
  id: string;
  channel: 'sms' | 'email' | 'in_app';
  locale: MessageLocale;
  survey_id: string;
  attempts: number;
  expires_at: Date;
  send_at: Date;
  borrower_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  time_zone: string;
  sms_opted_out: boolean;
  email_opted_out: boolean;
}

export interface DispatchReport {
  claimed: number;
  sent: number;
  rescheduled: number;
  failed: number;
  cancelled: number;
}

/** Exponential backoff with full jitter: attempt 1 → up to 30 s, 2 → 60 s, … capped at an hour. */
export function backoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Sends due invitations and reminders. Work items are invitation rows claimed with
 * `FOR UPDATE SKIP LOCKED` under a lease, so any number of workers run side by side and none sends
 * what another holds. Delivery is at least once: a crash after the provider accepted a message and
 * before our commit re-sends it when the lease ends (the one window for a duplicate; README).
 */
@Injectable()
export class DispatchInvitations {
  private readonly logger = new Logger(DispatchInvitations.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly pacer: SmsPacer,
    private readonly renderer: TemplateRenderer,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** First messages of invitations whose send time has come. */
  async dispatchDue(limit = 50): Promise<DispatchReport> {
    const now = this.clock.now();
    const claimed = await queryRows<ClaimedInvitation>(
      this.db,

      `WITH due AS (
         SELECT id FROM invitation
          WHERE status = 'scheduled' AND next_attempt_at <= $1
          ORDER BY next_attempt_at
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE invitation i SET next_attempt_at = $3, attempts = i.attempts + 1
         FROM due, borrower b
        WHERE i.id = due.id AND b.id = i.borrower_id
       RETURNING i.id, i.channel, i.locale, i.survey_id, i.attempts, i.expires_at, i.send_at, i.borrower_id,
                 b.name, b.phone, b.email, b.time_zone,
                 b.sms_opted_out_at IS NOT NULL AS sms_opted_out, b.email_opted_out_at IS NOT NULL AS email_opted_out`,
      [now, this.batchSize(limit), new Date(now.getTime() + LEASE_MS)],
    );
    return this.process(claimed, 'invitation');
  }

  /** The one reminder of sent, unanswered invitations whose reminder time has come. */
  async sendReminders(limit = 50): Promise<DispatchReport> {
    const now = this.clock.now();
    const claimed = await queryRows<ClaimedInvitation>(
      this.db,

      `WITH due AS (
         SELECT id FROM invitation
          WHERE status IN ('sent', 'delivered') AND reminded_at IS NULL AND remind_at <= $1 AND expires_at > $1
          ORDER BY remind_at
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE invitation i SET remind_at = $3
         FROM due, borrower b
        WHERE i.id = due.id AND b.id = i.borrower_id
       RETURNING i.id, i.channel, i.locale, i.survey_id, i.attempts, i.expires_at, i.send_at, i.borrower_id,
                 b.name, b.phone, b.email, b.time_zone,
                 b.sms_opted_out_at IS NOT NULL AS sms_opted_out, b.email_opted_out_at IS NOT NULL AS email_opted_out`,
      [now, this.batchSize(limit), new Date(now.getTime() + LEASE_MS)],
    );
    return this.process(claimed, 'reminder');
  }

  /** SMS waits for its pacing slot while holding the lease: claim no more than a minute's worth. */
  private batchSize(limit: number): number {
    return Math.max(1, Math.min(limit, Math.floor(this.config.smsSenderMps * 60)));
  }

  private async process(claimed: ClaimedInvitation[], purpose: MessagePurpose): Promise<DispatchReport> {
    const report: DispatchReport = {
      claimed: claimed.length,
      sent: 0,
      rescheduled: 0,
      failed: 0,
      cancelled: 0,
    };
    if (claimed.length === 0) return report;
    const [{ policy }, isWorkingDay] = await Promise.all([this.catalog.current(), this.calendar.lookup()]);
    const surveys = new Map<string, Survey>();
    for (const id of new Set(claimed.map((c) => c.survey_id))) {
      const survey = await this.catalog.byId(id);
      if (survey) surveys.set(id, survey);
    }
    // Side by side; SMS still leave one per pacing slot (each send reserves its own).
    const handle = async (invitation: ClaimedInvitation) => {
      const outcome = await this.handle(
        invitation,
        surveys.get(invitation.survey_id)!,
        purpose,
        policy,
        isWorkingDay,
      ).catch((error: unknown) => {
        // Name and code only: a provider's message can quote the phone number or address.
        const e = error as { name?: string; code?: string };
        this.logger.error(
          { err: { name: e?.name, code: e?.code }, invitationId: invitation.id },
          'dispatch failed; retried when the lease ends',
        );
        return 'failed' as const;
      });
      report[outcome] += 1;
    };
    await mapLimit(claimed, SEND_CONCURRENCY, handle);
    return report;
  }

  private async handle(
    invitation: ClaimedInvitation,
    survey: Survey,
    purpose: MessagePurpose,
    policy: { quietHours: Parameters<typeof nextAllowedSendTime>[3]; maxSendAttempts: number },
    isWorkingDay: (d: string) => boolean,
  ): Promise<'sent' | 'rescheduled' | 'failed' | 'cancelled'> {
    const now = this.clock.now();
    if (invitation.channel === 'in_app') {
      await this.markSent(invitation, survey, purpose, null, now, isWorkingDay, policy);
      return 'sent';
    }
    if (
      (invitation.channel === 'sms' && invitation.sms_opted_out) ||
      (invitation.channel === 'email' && invitation.email_opted_out)
    ) {
      if (purpose === 'reminder') {
        await this.db.query(`UPDATE invitation SET remind_at = NULL WHERE id = $1`, [invitation.id]);
      } else {
        await this.db.query(
          `UPDATE invitation SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'opted_out', next_attempt_at = NULL
            WHERE id = $1 AND status = 'scheduled'`,
          [invitation.id, now],
        );
      }
      return 'cancelled';
    }
    const allowed = nextAllowedSendTime(now, invitation.time_zone, isWorkingDay, policy.quietHours);
    if (allowed.getTime() > now.getTime()) {
      await this.db.query(
        purpose === 'invitation'
          ? `UPDATE invitation SET next_attempt_at = $2, attempts = attempts - 1 WHERE id = $1`
          : `UPDATE invitation SET remind_at = $2 WHERE id = $1`,
        [invitation.id, allowed],
      );
      return 'rescheduled';
    }

    const token = invitationToken(this.config.appSecret, invitation.id);
    const surveyUrl = `${this.config.publicBaseUrl}/s/${token}`;
    const idempotencyKey = `invitation:${invitation.id}:${purpose}`;
    let receipt: SendReceipt;
    let stored: {
      recipient: string;
      subject: string | null;
      text: string;
      html: string | null;
      transport: string;
      sender: string | null;
    };
    try {
      if (invitation.channel === 'sms') {
        const kind = survey.kind === 'NPS' ? 'NPS' : 'CSI';
        const body = this.renderer.sms(purpose, kind, invitation.locale);
        await this.pacer.waitForSlot(this.sms.sender);
        receipt = await this.sms.send({
          to: invitation.phone!,
          body,
          idempotencyKey,
          statusCallbackUrl:
            this.sms.transport === 'twilio'
              ? `${this.config.publicBaseUrl}/webhooks/twilio/status`
              : undefined,
        });
        stored = {
          recipient: invitation.phone!,
          subject: null,
          text: body,
          html: null,
          transport: this.sms.transport,
          sender: this.sms.sender,
        };
      } else {
        const question = survey.questions.length === 1 ? survey.questions[0]! : null;
        const content = this.renderer.surveyEmail({
          locale: invitation.locale,
          purpose,
          name: invitation.name,
          question: question
            ? {
                text: localize(question.text, invitation.locale)!,
                min: question.min,
                max: question.max,
                minLabel: localize(question.minLabel, invitation.locale) ?? String(question.min),
                maxLabel: localize(question.maxLabel, invitation.locale) ?? String(question.max),
              }
            : null,
          surveyUrl,
          unsubscribeUrl: `${this.config.publicBaseUrl}/u/${token}`,
          expiresAt: invitation.expires_at,
          timeZone: invitation.time_zone,
        });
        receipt = await this.email.send({
          to: invitation.email!,
          ...content,
          idempotencyKey,
          headers: {
            'List-Unsubscribe': `<${this.config.publicBaseUrl}/u/${token}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
        // The Outbox is where a demo reads its links; a real transport's copy keeps no live token.
        const keep =
          this.email.transport === 'outbox' ? (s: string) => s : (s: string) => s.split(token).join('…');
        stored = {
          recipient: invitation.email!,
          subject: content.subject,
          text: keep(content.text),
          html: keep(content.html),
          transport: this.email.transport,
          sender: null,
        };
      }
    } catch (error) {
      return this.recordFailure(invitation, purpose, error, now, policy.maxSendAttempts);
    }

    await this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO message (idempotency_key, invitation_id, borrower_id, channel, purpose, transport, sender, recipient, subject,
                              body_text, body_html, status, provider_message_id, attempts, sent_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'sent', $12, $13, $14, $14, $14)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          idempotencyKey,
          invitation.id,
          invitation.borrower_id,
          invitation.channel,
          purpose,
          stored.transport,
          stored.sender,
          stored.recipient,
          stored.subject,
          stored.text,
          stored.html,
          receipt.providerMessageId,
          invitation.attempts,
          now,
        ],
      );
      await this.markSent(invitation, survey, purpose, manager, now, isWorkingDay, policy);
    });
    return 'sent';
  }

  private async markSent(
    invitation: ClaimedInvitation,
    survey: Survey,
    purpose: MessagePurpose,
    manager: { query: DataSource['query'] } | null,
    now: Date,
    isWorkingDay: (d: string) => boolean,
    policy: { quietHours: Parameters<typeof nextAllowedSendTime>[3] },
  ): Promise<void> {
    const db = manager ?? this.db;
    if (purpose === 'reminder') {
      await db.query(`UPDATE invitation SET reminded_at = $2, remind_at = NULL WHERE id = $1`, [
        invitation.id,
        now,
      ]);
      return;
    }
    const remindAt =
      invitation.channel !== 'in_app' && survey.reminderDelaySeconds
        ? nextAllowedSendTime(
            new Date(now.getTime() + survey.reminderDelaySeconds * 1000),
            invitation.time_zone,
            isWorkingDay,
            policy.quietHours,
          )
        : null;
    await db.query(
      `UPDATE invitation SET status = 'sent', sent_at = $2, next_attempt_at = NULL, last_error = NULL,
              remind_at = CASE WHEN $3::timestamptz < expires_at THEN $3::timestamptz END
        WHERE id = $1 AND status = 'scheduled'`,
      [invitation.id, now, remindAt],
    );
  }

  private async recordFailure(
    invitation: ClaimedInvitation,
    purpose: MessagePurpose,
    error: unknown,
    now: Date,
    maxAttempts: number,
  ): Promise<'rescheduled' | 'failed'> {
    const failure =
      error instanceof SendFailure
        ? error
        : new SendFailure('transient', 'unexpected', (error as Error)?.message ?? 'unknown');
    this.logger.warn(
      {
        invitationId: invitation.id,
        channel: invitation.channel,
        purpose,
        code: failure.code,
        kind: failure.kind,
      },
      'send failed',
    );
    if (failure.optedOut) {
      await this.db.query(
        `UPDATE borrower SET sms_opted_out_at = coalesce(sms_opted_out_at, $2), updated_at = $2 WHERE id = $1`,
        [invitation.borrower_id, now],
      );
    }
    if (purpose === 'reminder') {
      // A reminder is a courtesy: one failure and it is dropped; the invitation itself stands.
      await this.db.query(`UPDATE invitation SET remind_at = NULL WHERE id = $1`, [invitation.id]);
      return 'failed';
    }
    if (failure.kind === 'transient' && invitation.attempts < maxAttempts) {
      await this.db.query(
        `UPDATE invitation SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'scheduled'`,
        [invitation.id, new Date(now.getTime() + backoffMs(invitation.attempts)), failure.code],
      );
      return 'rescheduled';
    }
    await this.db.query(
      `UPDATE invitation SET status = 'failed', failed_at = $2, last_error = $3, next_attempt_at = NULL WHERE id = $1 AND status = 'scheduled'`,
      [invitation.id, now, failure.code],
    );
    return 'failed';
  }
}

async function mapLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
