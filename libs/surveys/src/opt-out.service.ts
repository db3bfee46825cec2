import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@app/audit';
import { Clock, secretDigest } from '@app/core';
import { DataSource, EntityManager } from 'typeorm';
import { TOKEN_PATTERN } from './invitation-token';

/** A borrower's "stop sending me this", honoured at once and for good (until they opt back in). */
@Injectable()
export class OptOutService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The email unsubscribe link (`/u/:token`, also RFC 8058 one-click): returns false for an unknown token. */
  async optOutEmailByToken(token: string): Promise<boolean> {
    if (!TOKEN_PATTERN.test(token)) return false;
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const rows: { borrower_id: string; already: boolean }[] = await manager.query(
        `SELECT i.borrower_id, b.email_opted_out_at IS NOT NULL AS already
           FROM invitation i JOIN borrower b ON b.id = i.borrower_id WHERE i.token_hash = $1 FOR UPDATE OF b`,
        [secretDigest(token)],
      );
      const row = rows[0];
      if (!row) return false;
      if (row.already) return true;
      await manager.query(`UPDATE borrower SET email_opted_out_at = $2, updated_at = $2 WHERE id = $1`, [
        row.borrower_id,
        now,
      ]);
      await manager.query(
        `UPDATE invitation SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'opted_out', next_attempt_at = NULL
          WHERE borrower_id = $1 AND channel = 'email' AND status = 'scheduled'`,
        [row.borrower_id, now],
      );
      await manager.query(
        `UPDATE invitation SET remind_at = NULL WHERE borrower_id = $1 AND channel = 'email' AND remind_at IS NOT NULL`,
        [row.borrower_id],
      );
      await this.audit.record(
        { type: 'borrower', id: row.borrower_id },
        { action: 'borrower.email_opted_out', entityType: 'borrower', entityId: row.borrower_id },
        manager,
      );
      return true;
    });
  }

  /**
   * STOP or START by SMS: the number's every borrower record stops (or resumes) getting SMS; a stop
   * also cancels what was scheduled by SMS for them and drops their pending SMS reminders.
   */
  async setSmsOptOutByPhone(
    manager: EntityManager,
    phone: string,
    optedOut: boolean,
    now: Date,
  ): Promise<void> {
    await manager.query(
      optedOut
        ? `UPDATE borrower SET sms_opted_out_at = coalesce(sms_opted_out_at, $2), updated_at = $2 WHERE phone = $1`
        : `UPDATE borrower SET sms_opted_out_at = NULL, updated_at = $2 WHERE phone = $1`,
      [phone, now],
    );
    if (!optedOut) return;
    await manager.query(
      `UPDATE invitation SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'opted_out', next_attempt_at = NULL
        WHERE channel = 'sms' AND status = 'scheduled' AND borrower_id IN (SELECT id FROM borrower WHERE phone = $1)`,
      [phone, now],
    );
    await manager.query(
      `UPDATE invitation SET remind_at = NULL WHERE channel = 'sms' AND remind_at IS NOT NULL AND borrower_id IN (SELECT id FROM borrower WHERE phone = $1)`,
      [phone],
    );
  }

  /** The SMS provider says these borrowers' numbers opted out (Twilio 21610): no more SMS to them. */
  async markSmsOptedOut(manager: EntityManager, borrowerIds: string[], now: Date): Promise<void> {
    await manager.query(
      `UPDATE borrower SET sms_opted_out_at = coalesce(sms_opted_out_at, $2), updated_at = $2 WHERE id = ANY($1::uuid[])`,
      [borrowerIds, now],
    );
  }
}
