import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { Clock, openSecret } from '@app/core';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';
import { postWebhook, PrivateAddressError } from './webhook-target';
import { signWebhook } from './webhook-signature';

const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;
/** Retries with exponential backoff for 24 hours after the event, then the delivery is failed. */
const GIVE_UP_AFTER_MS = 24 * 3600_000;

export function webhookBackoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(3600_000, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Delivers due webhook rows claimed with SKIP LOCKED under a lease; the same `webhook-id` (the row's
 * id) on every retry, so receivers can drop duplicates.
 */
@Injectable()
export class DeliverWebhooks {
  private readonly logger = new Logger(DeliverWebhooks.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(limit = 50): Promise<{ claimed: number; delivered: number }> {
    const now = this.clock.now();
    const claimed = await queryRows<{
      id: string;
      url: string;
      secret_sealed: string;
      event_type: string;
      payload: { occurredAt: string; data: unknown };
      attempts: number;
      created_at: Date;
    }>(
      this.db,
      `WITH due AS (SELECT id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE webhook_delivery d SET next_attempt_at = $3, attempts = d.attempts + 1
         FROM due, webhook_endpoint e WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, e.url, e.secret_sealed, d.event_type, d.payload, d.attempts, d.created_at`,
      [now, limit, new Date(now.getTime() + LEASE_MS)],
    );
    let delivered = 0;
    await Promise.all(
      claimed.map(async (delivery) => {
        const body = JSON.stringify({
          id: delivery.id,
          type: delivery.event_type,
          occurredAt: delivery.payload.occurredAt,
          data: delivery.payload.data,
        });
        const timestamp = Math.floor(Date.now() / 1000);
        let status: number | null = null;
        let error: string | null = null;
        try {
          status = await postWebhook(
            delivery.url,
            {
              'content-type': 'application/json',
              'user-agent': 'Resonance-Webhooks/1',
              'webhook-id': delivery.id,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signWebhook(
                openSecret(this.config.appSecret, delivery.secret_sealed),
                delivery.id,
                timestamp,
                body,
              ),
            },
            body,
            { allowPrivate: this.config.webhookAllowPrivateNetworks, timeoutMs: TIMEOUT_MS },
          );
        } catch (e) {
          error =
            e instanceof PrivateAddressError
              ? 'private_address'
              : (e as { name?: string }).name === 'TimeoutError'
                ? 'timeout'
                : 'connection';
        }
        if (status !== null && status >= 200 && status < 300) {
          delivered += 1;
          await this.db.query(
            `UPDATE webhook_delivery SET status = 'delivered', delivered_at = $2, last_status_code = $3, last_error = NULL WHERE id = $1`,
            [delivery.id, now, status],
          );
          return;
        }
        const next = new Date(now.getTime() + webhookBackoffMs(delivery.attempts));
        const giveUp = next.getTime() - delivery.created_at.getTime() > GIVE_UP_AFTER_MS;
        await this.db.query(
          `UPDATE webhook_delivery SET status = $2, next_attempt_at = $3, last_status_code = $4, last_error = $5 WHERE id = $1`,
          [delivery.id, giveUp ? 'failed' : 'pending', next, status, error ?? `http_${status}`],
        );
        this.logger.warn(
          { deliveryId: delivery.id, status, error, attempts: delivery.attempts, giveUp },
          'webhook delivery failed',
        );
      }),
    );
    return { claimed: claimed.length, delivered };
  }
}
