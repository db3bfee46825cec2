import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock } from '@app/core';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';

/** Closes invitations past their expiry that were never answered; safe with many workers (SKIP LOCKED). */
@Injectable()
export class ExpireInvitations {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute(batch = 1000): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    for (;;) {
      const rows = await queryRows(
        this.db,

        `UPDATE invitation SET status = 'expired', expired_at = $1, next_attempt_at = NULL, remind_at = NULL
          WHERE id IN (SELECT id FROM invitation WHERE status IN ('scheduled', 'sent', 'delivered') AND expires_at <= $1
                        LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
        [now, batch],
      );
      total += rows.length;
      if (rows.length < batch) return total;
    }
  }
}
