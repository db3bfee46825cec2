import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock } from '@app/core';
import { queryRows } from '@app/database';
import { InvitationLifecycle } from '@app/surveys';
import { DataSource } from 'typeorm';
import { DeliveryUpdate } from './sms-webhooks.port';

/** Provider statuses in the only order a message may move through them. */
const RANK: Record<string, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
};
/**
 * Applies a delivery status from the provider. A message's status only moves forward, so duplicate
 * and out-of-order callbacks change nothing; a delivered invitation is marked delivered.
 */
@Injectable()
export class DeliveryStatusService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lifecycle: InvitationLifecycle,
    private readonly clock: Clock,
  ) {}

  async apply(update: DeliveryUpdate): Promise<'applied' | 'ignored'> {
    const status = update.status;
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const rows = await queryRows<{ invitation_id: string | null; purpose: string }>(
        manager,

        `UPDATE message SET status = $2, error_code = coalesce($3, error_code), updated_at = $4,
                delivered_at = CASE WHEN $2 = 'delivered' THEN $4 ELSE delivered_at END
          WHERE provider_message_id = $1
            AND (CASE status WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END) < $5
        RETURNING invitation_id, purpose`,
        [update.providerMessageId, status, update.errorCode, now, RANK[status]],
      );
      const message = rows[0];
      if (!message) return 'ignored';
      if (message.invitation_id && message.purpose === 'invitation') {
        if (status === 'delivered') await this.lifecycle.markDelivered(manager, message.invitation_id, now);
        else if (status === 'undelivered' || status === 'failed')
          await this.lifecycle.markUndelivered(manager, message.invitation_id, now, update.failureReason);
      }
      return 'applied';
    });
  }
}
