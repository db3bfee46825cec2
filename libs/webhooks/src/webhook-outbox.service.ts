import { Injectable } from '@nestjs/common';
import { Clock } from '@app/core';
import { EntityManager } from 'typeorm';
import { WebhookEvent } from './webhook-events';

/**
 * Emits an event to every active endpoint subscribed to it, inside the caller's transaction: the
 * delivery rows commit with the change they announce (never lost, never sent for a rollback), and
 * `eventKey` makes a repeated emission a no-op.
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly clock: Clock) {}

  async emit(
    manager: EntityManager,
    type: WebhookEvent,
    eventKey: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const now = this.clock.now();
    await manager.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_key, event_type, payload, next_attempt_at, created_at)
       SELECT gen_random_uuid(), e.id, $1, $2, $3, $4, $4 FROM webhook_endpoint e WHERE e.active AND $2 = ANY(e.events)
       ON CONFLICT (endpoint_id, event_key) DO NOTHING`,
      [eventKey, type, JSON.stringify({ occurredAt: now.toISOString(), data }), now],
    );
  }
}
