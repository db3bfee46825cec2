import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  Clock,
  isPlainText,
  isUuid,
  NotFoundException,
  secretDigest,
  ValidationFailedException,
} from '@app/core';
import { queryRows } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { TOKEN_PATTERN } from './invitation-token';

export interface Suppression {
  id: string;
  channel: 'sms' | 'email';
  address: string;
  reason: string;
  createdAt: Date;
}

/**
 * A borrower's "stop sending me this", honoured at once and for good (until they opt back in). It
 * belongs to the address (table `contact_suppression`, owned here): every borrower record carrying
 * the number or email address, now or later, gets nothing on that channel while the entry is live.
 */
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
      const rows: { borrower_id: string; email: string | null; already: boolean }[] = await manager.query(
        `SELECT i.borrower_id, b.email, b.email_opted_out_at IS NOT NULL AS already
           FROM invitation i JOIN borrower b ON b.id = i.borrower_id WHERE i.token_hash = $1 FOR UPDATE OF b`,
        [secretDigest(token)],
      );
      const row = rows[0];
      if (!row) return false;
      if (row.already) return true;
      // The address opts out for every record that carries it, now and later; without one, the record.
      const address = row.email?.toLowerCase() ?? null;
      if (address) await this.suppress(manager, 'email', [address], 'unsubscribe', now);
      const holders = await queryRows<{ id: string }>(
        manager,
        `UPDATE borrower SET email_opted_out_at = coalesce(email_opted_out_at, $2), updated_at = $2
          WHERE CASE WHEN $1::text IS NULL THEN id = $3::uuid ELSE lower(email) = $1::text END RETURNING id`,
        [address, now, row.borrower_id],
      );
      const ids = holders.map((h) => h.id);
      await manager.query(
        `UPDATE invitation SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'opted_out', next_attempt_at = NULL
          WHERE borrower_id = ANY($1::uuid[]) AND channel = 'email' AND status = 'scheduled'`,
        [ids, now],
      );
      await manager.query(
        `UPDATE invitation SET remind_at = NULL WHERE borrower_id = ANY($1::uuid[]) AND channel = 'email' AND remind_at IS NOT NULL`,
        [ids],
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
    if (!optedOut) {
      await this.liftIn(manager, 'sms', phone, 'borrower', 'START', now);
      return;
    }
    await this.suppress(manager, 'sms', [phone], 'stop', now);
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

  /** The SMS provider says these borrowers' numbers opted out (Twilio 21610): no more SMS to those numbers. */
  async markSmsOptedOut(manager: EntityManager, borrowerIds: string[], now: Date): Promise<void> {
    const phones: { phone: string }[] = await manager.query(
      `SELECT DISTINCT phone FROM borrower WHERE id = ANY($1::uuid[]) AND phone IS NOT NULL`,
      [borrowerIds],
    );
    await this.suppress(
      manager,
      'sms',
      phones.map((p) => p.phone),
      'provider_opt_out',
      now,
    );
    await manager.query(
      `UPDATE borrower SET sms_opted_out_at = coalesce(sms_opted_out_at, $2), updated_at = $2
        WHERE id = ANY($1::uuid[]) OR phone = ANY($3::text[])`,
      [borrowerIds, now, phones.map((p) => p.phone)],
    );
  }

  /** The live suppressions, newest first (the admin's list). */
  async suppressions(limit = 200): Promise<Suppression[]> {
    return this.db.query(
      `SELECT id, channel, address, reason, created_at AS "createdAt" FROM contact_suppression
        WHERE lifted_at IS NULL ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
  }

  /**
   * An admin lifts a suppression with a reason (a borrower asked by phone to get surveys again): every
   * record carrying the address may get that channel again. Audited; the entry stays, lifted.
   */
  async lift(actor: Actor, id: string, reason: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundException('The suppression');
    if (!isPlainText(reason, 'line') || reason.trim().length < 3 || reason.length > 300)
      throw new ValidationFailedException([{ path: 'reason', message: 'must be 3 to 300 characters' }]);
    const now = this.clock.now();
    await this.db.transaction(async (manager) => {
      const [entry]: { channel: 'sms' | 'email'; address: string }[] = await manager.query(
        `SELECT channel, address FROM contact_suppression WHERE id = $1 AND lifted_at IS NULL FOR UPDATE`,
        [id],
      );
      if (!entry) throw new NotFoundException('The suppression');
      await this.liftIn(
        manager,
        entry.channel,
        entry.address,
        `${actor.type}:${actor.id}`,
        reason.trim(),
        now,
      );
      await manager.query(
        entry.channel === 'sms'
          ? `UPDATE borrower SET sms_opted_out_at = NULL, updated_at = $2 WHERE phone = $1`
          : `UPDATE borrower SET email_opted_out_at = NULL, updated_at = $2 WHERE lower(email) = $1`,
        [entry.address, now],
      );
      // The address is personal data: the audit keeps the entry's id and channel, not the address.
      await this.audit.record(
        actor,
        {
          action: 'contact_suppression.lifted',
          entityType: 'contact_suppression',
          entityId: id,
          details: { channel: entry.channel, reason: reason.trim() },
        },
        manager,
      );
    });
  }

  private async suppress(
    manager: EntityManager,
    channel: 'sms' | 'email',
    addresses: string[],
    reason: 'stop' | 'unsubscribe' | 'provider_opt_out',
    now: Date,
  ): Promise<void> {
    if (addresses.length === 0) return;
    await manager.query(
      `INSERT INTO contact_suppression (channel, address, reason, created_at)
       SELECT $1, a, $3, $4 FROM unnest($2::text[]) a
       ON CONFLICT (channel, address) WHERE lifted_at IS NULL DO NOTHING`,
      [channel, addresses, reason, now],
    );
  }

  private async liftIn(
    manager: EntityManager,
    channel: 'sms' | 'email',
    address: string,
    by: string,
    reason: string,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE contact_suppression SET lifted_at = $3, lifted_by = $4, lift_reason = $5
        WHERE channel = $1 AND address = $2 AND lifted_at IS NULL`,
      [channel, address, now, by, reason],
    );
  }
}
