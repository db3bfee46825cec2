import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import {
  Clock,
  FieldError,
  isUuid,
  NotFoundException,
  sealSecret,
  ValidationFailedException,
} from '@app/core';
import { DataSource } from 'typeorm';
import { webhookUrlProblem } from './webhook-target';
import { isWebhookEvent, WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT } from './webhook-events';

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
  delivered: number;
  retrying: number;
  failed: number;
  /** The newest attempted delivery: accepted, or refused with its status code or error. */
  lastOutcome: { ok: boolean; statusCode: number | null; error: string | null; at: string } | null;
}

export interface WebhookDeliveryView {
  id: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  created_at: Date;
  failed: string;
  retrying: string;
  delivered: string;
  last_status: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_at: Date | null;
}

function endpointView(r: EndpointRow): WebhookEndpointView {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    delivered: Number(r.delivered),
    retrying: Number(r.retrying),
    failed: Number(r.failed),
    lastOutcome: r.last_at
      ? {
          ok: r.last_status === 'delivered',
          statusCode: r.last_status_code,
          error: r.last_error,
          at: r.last_at.toISOString(),
        }
      : null,
  };
}

export interface CreatedEndpoint {
  id: string;
  url: string;
  events: string[];
  /** Shown once: the receiver verifies signatures with it. */
  secret: string;
}

@Injectable()
export class WebhookEndpoints {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: { url: string; events: string[] }): Promise<CreatedEndpoint> {
    const errors: FieldError[] = [];
    let url = '';
    const problem = webhookUrlProblem(input.url, this.config.webhookAllowPrivateNetworks);
    if (problem) errors.push({ path: 'url', message: problem });
    else url = new URL(input.url).toString();
    const events = [...new Set(input.events)];
    if (events.length === 0 || !events.every(isWebhookEvent))
      errors.push({ path: 'events', message: `must be one or more of ${WEBHOOK_EVENTS.join(', ')}` });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO webhook_endpoint (url, secret_sealed, events, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [url, sealSecret(this.config.appSecret, secret), events, `${actor.type}:${actor.id}`, this.clock.now()],
    );
    const id = rows[0]!.id;
    await this.audit.record(actor, {
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: id,
      after: { url, events },
    });
    return { id, url, events, secret };
  }

  /**
   * The endpoints with how their deliveries go: `failed` gave up after 24 hours of retries, `retrying`
   * were refused at least once and will be tried again, `lastOutcome` is the newest attempt's.
   */
  async list(): Promise<WebhookEndpointView[]> {
    const rows: EndpointRow[] = await this.db.query(
      `SELECT e.id, e.url, e.events, e.active, e.created_at, s.failed, s.retrying, s.delivered, last.status AS last_status,
              last.last_status_code, last.last_error, last.at AS last_at
         FROM webhook_endpoint e
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE status = 'failed') AS failed,
                  count(*) FILTER (WHERE status = 'pending' AND attempts > 0) AS retrying,
                  count(*) FILTER (WHERE status = 'delivered') AS delivered
             FROM webhook_delivery d WHERE d.endpoint_id = e.id) s
         LEFT JOIN LATERAL (
           SELECT d.status, d.last_status_code, d.last_error, coalesce(d.delivered_at, d.created_at) AS at
             FROM webhook_delivery d WHERE d.endpoint_id = e.id AND d.attempts > 0
            ORDER BY d.created_at DESC LIMIT 1) last ON true
        ORDER BY e.created_at DESC`,
    );
    return rows.map(endpointView);
  }

  async get(id: string): Promise<WebhookEndpointView> {
    if (!isUuid(id)) throw new NotFoundException('The webhook endpoint');
    const found = (await this.list()).find((e) => e.id === id);
    if (!found) throw new NotFoundException('The webhook endpoint');
    return found;
  }

  /** The newest deliveries to an endpoint, for its log: what was sent, how often, and what came back. */
  async deliveries(id: string, limit = 50): Promise<WebhookDeliveryView[]> {
    if (!isUuid(id)) throw new NotFoundException('The webhook endpoint');
    const rows: {
      id: string;
      event_type: string;
      status: WebhookDeliveryView['status'];
      attempts: number;
      last_status_code: number | null;
      last_error: string | null;
      created_at: Date;
      delivered_at: Date | null;
      next_attempt_at: Date;
    }[] = await this.db.query(
      `SELECT id, event_type, status, attempts, last_status_code, last_error, created_at, delivered_at, next_attempt_at
         FROM webhook_delivery WHERE endpoint_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [id, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      eventType: r.event_type,
      status: r.status,
      attempts: r.attempts,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      deliveredAt: r.delivered_at?.toISOString() ?? null,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    }));
  }

  /**
   * Queues a `webhook.test` event to this endpoint alone, delivered, signed and retried like any other,
   * so an admin sees at once whether the receiver accepts Resonance's requests.
   */
  async sendTest(actor: Actor, id: string): Promise<void> {
    const endpoint = await this.get(id);
    const now = this.clock.now();
    const deliveryId = randomUUID();
    await this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO webhook_delivery (id, endpoint_id, event_key, event_type, payload, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)`,
        [
          deliveryId,
          endpoint.id,
          `test:${deliveryId}`,
          WEBHOOK_TEST_EVENT,
          JSON.stringify({ occurredAt: now.toISOString(), data: { test: true } }),
          now,
        ],
      );
      await this.audit.record(
        actor,
        { action: 'webhook_endpoint.tested', entityType: 'webhook_endpoint', entityId: endpoint.id },
        manager,
      );
    });
  }

  /** Stops (or resumes) deliveries to an endpoint; its history stays. */
  async setActive(actor: Actor, id: string, active: boolean): Promise<void> {
    if (!isUuid(id)) throw new NotFoundException('The webhook endpoint');
    const rows: { id: string }[] = await this.db.query(
      `UPDATE webhook_endpoint SET active = $2 WHERE id = $1 RETURNING id`,
      [id, active],
    );
    if (!rows[0]) throw new NotFoundException('The webhook endpoint');
    await this.audit.record(actor, {
      action: active ? 'webhook_endpoint.activated' : 'webhook_endpoint.deactivated',
      entityType: 'webhook_endpoint',
      entityId: id,
    });
  }
}
