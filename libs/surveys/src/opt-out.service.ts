import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@app/audit';
import { Clock, secretDigest } from '@app/core';
import { DataSource } from 'typeorm';
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
}
