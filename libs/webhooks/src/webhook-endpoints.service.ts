import { randomBytes } from 'node:crypto';
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
import { isWebhookEvent, WEBHOOK_EVENTS } from './webhook-events';

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

  async list(): Promise<
    { id: string; url: string; events: string[]; active: boolean; createdAt: string; failing: number }[]
  > {
    const rows: {
      id: string;
      url: string;
      events: string[];
      active: boolean;
      created_at: Date;
      failing: string;
    }[] = await this.db.query(
      `SELECT e.id, e.url, e.events, e.active, e.created_at,
                (SELECT count(*) FROM webhook_delivery d WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failing
           FROM webhook_endpoint e ORDER BY e.created_at DESC`,
    );
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      events: r.events,
      active: r.active,
      createdAt: r.created_at.toISOString(),
      failing: Number(r.failing),
    }));
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
