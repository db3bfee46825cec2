import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextAllowedSendTime, WorkingCalendar } from '@app/calendar';
import { Clock } from '@app/core';
import { queryRows } from '@app/database';
import { SurveyCatalog } from '@app/surveys';
import { DataSource } from 'typeorm';
import { backoffMs } from './dispatch-invitations.use-case';
import { EmailSender, SendFailure, SmsSender } from './sender.port';
import { SmsPacer, waitUntil } from './sms-pacer.service';

const LEASE_MS = 5 * 60_000;

/**
 * Sends queued non-survey messages (complaint answers, staff deadline emails): SKIP LOCKED claims under a lease (a message left
 * 'sending' by a crashed worker is claimed again when it ends), quiet hours, pacing, retries.
 */
@Injectable()
export class SendQueuedMessages {
  private readonly logger = new Logger(SendQueuedMessages.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly pacer: SmsPacer,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
  ) {}

  async execute(limit = 50): Promise<{ claimed: number; sent: number }> {
    const now = this.clock.now();
    const claimed = await queryRows<{
      id: string;
      channel: 'sms' | 'email';
      recipient: string;
      subject: string | null;
      body_text: string;
      attempts: number;
      idempotency_key: string;
      time_zone: string;
    }>(
      this.db,
      `WITH due AS (SELECT id FROM message WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE message m SET next_attempt_at = $3, attempts = m.attempts + 1, status = 'sending', updated_at = $1
         FROM due WHERE m.id = due.id
       RETURNING m.id, m.channel, m.recipient, m.subject, m.body_text, m.attempts, m.idempotency_key,
                 coalesce((SELECT b.time_zone FROM borrower b WHERE b.id = m.borrower_id), 'Europe/Moscow') AS time_zone`,
      [now, limit, new Date(now.getTime() + LEASE_MS)],
    );
    if (claimed.length === 0) return { claimed: 0, sent: 0 };
    const [{ policy }, isWorkingDay] = await Promise.all([this.catalog.current(), this.calendar.lookup()]);
    let sent = 0;
    for (const message of claimed) {
      const allowed =
        message.channel === 'sms'
          ? nextAllowedSendTime(now, message.time_zone, isWorkingDay, policy.quietHours)
          : now;
      if (allowed > now) {
        await this.db.query(
          `UPDATE message SET status = 'queued', next_attempt_at = $2, attempts = attempts - 1 WHERE id = $1`,
          [message.id, allowed],
        );
        continue;
      }
      try {
        let providerMessageId: string;
        if (message.channel === 'sms') {
          const [slot] = await this.pacer.reserve(this.sms.sender, 1);
          await waitUntil(slot!);
          ({ providerMessageId } = await this.sms.send({
            to: message.recipient,
            body: message.body_text,
            idempotencyKey: message.idempotency_key,
          }));
        } else {
          ({ providerMessageId } = await this.email.send({
            to: message.recipient,
            subject: message.subject ?? '',
            text: message.body_text,
            html: `<pre style="font:15px/1.5 sans-serif;white-space:pre-wrap">${message.body_text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`,
            headers: {},
            idempotencyKey: message.idempotency_key,
          }));
        }
        await this.db.query(
          `UPDATE message SET status = 'sent', provider_message_id = $2, sent_at = $3, updated_at = $3 WHERE id = $1`,
          [message.id, providerMessageId, now],
        );
        sent += 1;
      } catch (error) {
        const failure =
          error instanceof SendFailure ? error : new SendFailure('transient', 'unexpected', 'unexpected');
        this.logger.warn({ messageId: message.id, code: failure.code }, 'queued message failed');
        const retry = failure.kind === 'transient' && message.attempts < 6;
        await this.db.query(
          `UPDATE message SET status = $2, error_code = $3, next_attempt_at = $4, updated_at = $5 WHERE id = $1`,
          [
            message.id,
            retry ? 'queued' : 'failed',
            failure.code,
            retry ? new Date(now.getTime() + backoffMs(message.attempts)) : null,
            now,
          ],
        );
      }
    }
    return { claimed: claimed.length, sent };
  }
}
