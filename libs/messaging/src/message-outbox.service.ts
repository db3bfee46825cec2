import { Injectable } from '@nestjs/common';
import { Clock, ValidationFailedException } from '@app/core';
import { EntityManager } from 'typeorm';
import { EmailSender, SmsSender } from './sender.port';
import { MessageLocale, TemplateRenderer } from './template-renderer.service';

/**
 * Messages that are not survey invitations (a complaint's answer), queued in the caller's transaction
 * and sent by the worker (SendQueuedMessages). A deterministic key makes a second enqueue a no-op.
 */
@Injectable()
export class MessageOutbox {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly clock: Clock,
  ) {}

  /** Which of these keys already have their message (queued, sent or failed): a sender can skip those. */
  async queuedKeys(manager: EntityManager, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: { idempotency_key: string }[] = await manager.query(
      `SELECT idempotency_key FROM message WHERE idempotency_key = ANY($1::text[])`,
      [keys],
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }

  /**
   * An email to a member of staff (the morning deadline list), sent by the worker like any message.
   * `key` makes it once per day and person: a second enqueue is a no-op. Returns whether it was queued.
   */
  async enqueueStaffEmail(
    manager: EntityManager,
    input: {
      key: string;
      to: string;
      subject: string;
      text: string;
      purpose?: 'deadline_digest' | 'weekly_digest';
    },
  ): Promise<boolean> {
    const now = this.clock.now();
    const inserted: unknown[] = await manager.query(
      `INSERT INTO message (idempotency_key, borrower_id, channel, purpose, transport, recipient, subject, body_text, status, next_attempt_at, created_at, updated_at)
       VALUES ($1, NULL, 'email', $7, $2, $3, $4, $5, 'queued', $6, $6, $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [
        input.key,
        this.email.transport,
        input.to,
        input.subject,
        input.text,
        now,
        input.purpose ?? 'deadline_digest',
      ],
    );
    return inserted.length > 0;
  }

  async enqueueComplaintAnswer(
    manager: EntityManager,
    input: {
      complaintId: string;
      borrowerId: string;
      channel: 'sms' | 'email';
      registerNo: string;
      resolution: string;
    },
  ): Promise<void> {
    const [borrower]: { phone: string | null; email: string | null; locale: MessageLocale }[] =
      await manager.query(`SELECT phone, email, locale FROM borrower WHERE id = $1`, [input.borrowerId]);
    const recipient = input.channel === 'sms' ? borrower?.phone : borrower?.email;
    if (!recipient) {
      throw new ValidationFailedException([
        {
          path: 'answerBy',
          message: `the borrower has no ${input.channel === 'sms' ? 'phone number' : 'email address'}`,
        },
      ]);
    }
    const content = this.renderer.complaintAnswer(borrower!.locale, {
      registerNo: input.registerNo,
      resolution: input.resolution,
    });
    const now = this.clock.now();
    await manager.query(
      `INSERT INTO message (idempotency_key, borrower_id, channel, purpose, transport, sender, recipient, subject, body_text, status, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'complaint_answer', $4, $5, $6, $7, $8, 'queued', $9, $9, $9)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        `complaint:${input.complaintId}:answer`,
        input.borrowerId,
        input.channel,
        input.channel === 'sms' ? this.sms.transport : this.email.transport,
        input.channel === 'sms' ? this.sms.sender : null,
        recipient,
        input.channel === 'email' ? content.subject : null,
        input.channel === 'sms' ? content.sms : content.text,
        now,
      ],
    );
  }
}
