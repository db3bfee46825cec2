import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { Channel, Locale } from './survey.model';

/** An invitation claimed for sending, with the borrower it goes to. */
export interface ClaimedInvitation {
  id: string;
  channel: Channel;
  locale: Locale;
  survey_id: string;
  attempts: number;
  expires_at: Date;
  send_at: Date;
  borrower_id: string;
  borrower_external_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  time_zone: string;
  sms_opted_out: boolean;
  email_opted_out: boolean;
}

const CLAIMED_COLUMNS = `i.id, i.channel, i.locale, i.survey_id, i.attempts, i.expires_at, i.send_at, i.borrower_id,
  b.external_id AS borrower_external_id, b.name, b.phone, b.email, b.time_zone,
  b.sms_opted_out_at IS NOT NULL OR EXISTS (SELECT 1 FROM contact_suppression s
    WHERE s.channel = 'sms' AND s.lifted_at IS NULL AND s.address = b.phone) AS sms_opted_out,
  b.email_opted_out_at IS NOT NULL OR EXISTS (SELECT 1 FROM contact_suppression s
    WHERE s.channel = 'email' AND s.lifted_at IS NULL AND s.address = lower(b.email)) AS email_opted_out`;

/**
 * Every change of an invitation's state after it is created (it is created with its contact event and
 * answered with its response, in surveys' own statements): claims for sending and reminding, sent,
 * retried, failed, cancelled, delivered, expired. Set-based: one statement for many invitations, in
 * the caller's transaction where it has one. Dispatch (messaging) drives these; this library owns them.
 */
@Injectable()
export class InvitationLifecycle {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Scheduled invitations whose time has come, leased to this worker until `leaseUntil` (SKIP LOCKED). */
  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedInvitation[]> {
    return queryRows<ClaimedInvitation>(
      this.db,
      `WITH due AS (
         SELECT id FROM invitation
          WHERE status = 'scheduled' AND next_attempt_at <= $1
          ORDER BY next_attempt_at
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE invitation i SET next_attempt_at = $3, attempts = i.attempts + 1
         FROM due, borrower b
        WHERE i.id = due.id AND b.id = i.borrower_id
       RETURNING ${CLAIMED_COLUMNS}`,
      [now, limit, leaseUntil],
    );
  }

  /** Sent, unanswered invitations whose one reminder is due, leased the same way. */
  claimReminders(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedInvitation[]> {
    return queryRows<ClaimedInvitation>(
      this.db,
      `WITH due AS (
         SELECT id FROM invitation
          WHERE status IN ('sent', 'delivered') AND reminded_at IS NULL AND remind_at <= $1 AND expires_at > $1
          ORDER BY remind_at
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE invitation i SET remind_at = $3
         FROM due, borrower b
        WHERE i.id = due.id AND b.id = i.borrower_id
       RETURNING ${CLAIMED_COLUMNS}`,
      [now, limit, leaseUntil],
    );
  }

  /** Sent; each with its reminder time (null: none), kept only when it comes before expiry. */
  async markSent(manager: EntityManager, ids: string[], remindAt: (Date | null)[], now: Date): Promise<void> {
    await manager.query(
      `UPDATE invitation i SET status = 'sent', sent_at = $3, next_attempt_at = NULL, last_error = NULL,
              remind_at = CASE WHEN u.remind_at < i.expires_at THEN u.remind_at END
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, remind_at)
        WHERE i.id = u.id AND i.status = 'scheduled'`,
      [ids, remindAt, now],
    );
  }

  async markReminded(manager: EntityManager, ids: string[], now: Date): Promise<void> {
    await manager.query(
      `UPDATE invitation SET reminded_at = $2, remind_at = NULL WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }

  /** The borrower opted out of the channel before it went. */
  async cancelForOptOut(manager: EntityManager, ids: string[], now: Date): Promise<void> {
    await manager.query(
      `UPDATE invitation SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'opted_out', next_attempt_at = NULL
        WHERE id = ANY($1::uuid[]) AND status = 'scheduled'`,
      [ids, now],
    );
  }

  /** A reminder is a courtesy: opted out or failed once, it is dropped; the invitation itself stands. */
  async dropReminders(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`UPDATE invitation SET remind_at = NULL WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Quiet hours: not an attempt, so the claim's increment is given back. */
  async reschedule(manager: EntityManager, ids: string[], at: Date[]): Promise<void> {
    await manager.query(
      `UPDATE invitation i SET next_attempt_at = u.at, attempts = i.attempts - 1 FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE i.id = u.id`,
      [ids, at],
    );
  }

  async rescheduleReminders(manager: EntityManager, ids: string[], at: Date[]): Promise<void> {
    await manager.query(
      `UPDATE invitation i SET remind_at = u.at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE i.id = u.id`,
      [ids, at],
    );
  }

  /** A transient failure: tried again at `at`, the error kept. */
  async retryLater(manager: EntityManager, ids: string[], at: Date[], errors: string[]): Promise<void> {
    await manager.query(
      `UPDATE invitation i SET next_attempt_at = u.at, last_error = u.error
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS u(id, at, error)
        WHERE i.id = u.id AND i.status = 'scheduled'`,
      [ids, at, errors],
    );
  }

  async markFailed(manager: EntityManager, ids: string[], errors: string[], now: Date): Promise<void> {
    await manager.query(
      `UPDATE invitation i SET status = 'failed', failed_at = $3, last_error = u.error, next_attempt_at = NULL
         FROM unnest($1::uuid[], $2::text[]) AS u(id, error) WHERE i.id = u.id AND i.status = 'scheduled'`,
      [ids, errors, now],
    );
  }

  /** The provider delivered it (forward only: from sent). */
  /** The funnel's "opened": the first view of the survey page or fetch in the app, recorded once. */
  async markOpened(ids: string[], now: Date): Promise<void> {
    await this.db.query(
      `UPDATE invitation SET opened_at = $2 WHERE id = ANY($1::uuid[]) AND opened_at IS NULL AND status IN ('sent', 'delivered')`,
      [ids, now],
    );
  }

  async markDelivered(manager: EntityManager, id: string, now: Date): Promise<void> {
    await manager.query(
      `UPDATE invitation SET status = 'delivered', delivered_at = $2 WHERE id = $1 AND status = 'sent'`,
      [id, now],
    );
  }

  /** The provider could not deliver it after accepting it. */
  async markUndelivered(manager: EntityManager, id: string, now: Date, reason: string): Promise<void> {
    await manager.query(
      `UPDATE invitation SET status = 'failed', failed_at = $2, last_error = $3, remind_at = NULL WHERE id = $1 AND status = 'sent'`,
      [id, now, reason],
    );
  }

  /** Closes up to `batch` unanswered invitations past their expiry (SKIP LOCKED); returns how many. */
  async expireDue(now: Date, batch: number): Promise<number> {
    const rows = await queryRows(
      this.db,
      `UPDATE invitation SET status = 'expired', expired_at = $1, next_attempt_at = NULL, remind_at = NULL
        WHERE id IN (SELECT id FROM invitation WHERE status IN ('scheduled', 'sent', 'delivered') AND expires_at <= $1
                      LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
      [now, batch],
    );
    return rows.length;
  }
}
