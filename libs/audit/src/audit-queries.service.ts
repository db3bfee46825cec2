import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isIsoDate, isUuid, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import { Actor } from './actor';
import { AuditService } from './audit.service';

export interface AuditRecord {
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

export interface AuditFilters {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  /** The id below which the next page starts (newest first). */
  before?: string;
  limit?: number;
}

const NAME = /^[a-z_.]{1,60}$/;

/** Reads of the append-only audit log, newest first, in keyset pages. Reading it is itself audited. */
@Injectable()
export class AuditQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(
    actor: Actor,
    filters: AuditFilters,
    timeZone: string,
  ): Promise<{ items: AuditRecord[]; nextBefore: string | null }> {
    const limit = filters.limit ?? 50;
    const errors = [];
    if (filters.entityType !== undefined && !NAME.test(filters.entityType))
      errors.push({ path: 'entityType', message: 'must be an entity type such as complaint' });
    if (filters.action !== undefined && !NAME.test(filters.action))
      errors.push({ path: 'action', message: 'must be an action such as complaint.viewed' });
    for (const key of ['from', 'to'] as const)
      if (filters[key] !== undefined && !isIsoDate(filters[key]))
        errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
    if (filters.before !== undefined && !/^\d{1,18}$/.test(filters.before))
      errors.push({ path: 'before', message: 'must be an audit record id' });
    if (filters.entityId !== undefined && filters.entityId.length > 100)
      errors.push({ path: 'entityId', message: 'must be at most 100 characters' });
    if (filters.actorId !== undefined && !isUuid(filters.actorId) && !/^[\w.-]{1,60}$/.test(filters.actorId))
      errors.push({ path: 'actorId', message: 'must be a staff user, API key or system id' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const params: unknown[] = [limit + 1, timeZone];
    const where: string[] = [];
    if (filters.entityType) where.push(`entity_type = $${params.push(filters.entityType)}`);
    if (filters.entityId) where.push(`entity_id = $${params.push(filters.entityId)}`);
    if (filters.actorId) where.push(`actor_id = $${params.push(filters.actorId)}`);
    if (filters.action) where.push(`action = $${params.push(filters.action)}`);
    if (filters.from)
      where.push(`occurred_at >= ($${params.push(filters.from)}::date::timestamp AT TIME ZONE $2::text)`);
    if (filters.to)
      where.push(`occurred_at < (($${params.push(filters.to)}::date + 1)::timestamp AT TIME ZONE $2::text)`);
    if (filters.before) where.push(`id < $${params.push(filters.before)}::bigint`);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT *, $2::text AS zone FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit).map(toRecord);
    await this.audit.record(actor, {
      action: 'audit_log.viewed',
      entityType: 'audit_log',
      details: { filters: { ...filters, limit: undefined } },
    });
    return { items: page, nextBefore: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /** One entity's history, oldest first (the complaint page's timeline). */
  async history(entityType: string, entityId: string): Promise<AuditRecord[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT * FROM audit_log WHERE entity_type = $1 AND entity_id = $2 ORDER BY id LIMIT 500`,
      [entityType, entityId],
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: Record<string, unknown>): AuditRecord {
  return {
    id: String(row.id),
    occurredAt: (row.occurred_at as Date).toISOString(),
    actorType: row.actor_type as string,
    actorId: (row.actor_id as string | null) ?? null,
    action: row.action as string,
    entityType: row.entity_type as string,
    entityId: (row.entity_id as string | null) ?? null,
    before: row.before ?? null,
    after: row.after ?? null,
    details: row.details ?? null,
  };
}
