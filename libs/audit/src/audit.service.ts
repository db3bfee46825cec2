import { AuditAction, AuditEntityType } from './audit-actions';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock } from '@app/core';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from './actor';

export interface AuditEntry {
  action: AuditAction;
  entityType: AuditEntityType;
  entityId?: string | null;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Writes one audit row; pass the transaction's manager so the row commits with the change it records. */
  async record(actor: Actor, entry: AuditEntry, manager: EntityManager = this.db.manager): Promise<void> {
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    await manager.query(
      `INSERT INTO audit_log (occurred_at, actor_type, actor_id, action, entity_type, entity_id, before, after, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        this.clock.now(),
        actor.type,
        actor.id,
        entry.action,
        entry.entityType,
        entry.entityId ?? null,
        json(entry.before),
        json(entry.after),
        json(entry.details),
      ],
    );
  }
}
