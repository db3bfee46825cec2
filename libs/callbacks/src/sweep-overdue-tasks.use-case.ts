import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService, SYSTEM_ACTOR } from '@app/audit';
import { Clock } from '@app/core';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';
import { overdueCondition } from './task-deadline';

/** Priority added to a task whose first contact is overdue, so it rises to the top of the queue. */
export const ESCALATION_BOOST = 50;
const SWEEP_LOCK = 4_216_771_302;

/**
 * The first-contact SLA sweep: tasks not contacted by their due time are escalated once (priority
 * raised, flagged for experts). Runs in any number of workers; a transaction-scoped advisory lock
 * lets one sweep at a time, the others skip.
 */
@Injectable()
export class SweepOverdueTasks {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<number | null> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        SWEEP_LOCK,
      ]);
      if (!locked) return null;
      const escalated = await queryRows<{ id: string; priority: number }>(
        manager,
        `UPDATE callback_task SET escalated_at = $1, priority = priority + $2, version = version + 1, updated_at = $1
          WHERE ${overdueCondition('', '$1')} AND escalated_at IS NULL
        RETURNING id, priority`,
        [now, ESCALATION_BOOST],
      );
      for (const task of escalated) {
        await this.audit.record(
          SYSTEM_ACTOR,
          {
            action: 'callback_task.escalated',
            entityType: 'callback_task',
            entityId: task.id,
            after: { priority: task.priority, reason: 'first_contact_overdue' },
          },
          manager,
        );
      }
      return escalated.length;
    });
  }
}
