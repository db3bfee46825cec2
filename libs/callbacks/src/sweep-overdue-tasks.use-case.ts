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
 * raised, flagged for experts), and one an agent took but never tried to call goes back to the queue
 * for whoever is free. Runs in any number of workers; a transaction-scoped advisory lock
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
      const escalated = await queryRows<{ id: string; priority: number; released_from: string | null }>(
        manager,
        `WITH due AS (SELECT id, assignee_id, status = 'in_progress' AND attempt_count = 0 AS released FROM callback_task
                       WHERE ${overdueCondition('', '$1')} AND escalated_at IS NULL FOR UPDATE)
         UPDATE callback_task t SET escalated_at = $1, priority = t.priority + $2, version = t.version + 1, updated_at = $1,
                status = CASE WHEN due.released THEN 'open' ELSE t.status END,
                assignee_id = CASE WHEN due.released THEN NULL ELSE t.assignee_id END
           FROM due WHERE t.id = due.id
         RETURNING t.id, t.priority, CASE WHEN due.released THEN due.assignee_id END AS released_from`,
        [now, ESCALATION_BOOST],
      );
      for (const task of escalated) {
        await this.audit.record(
          SYSTEM_ACTOR,
          {
            action: 'callback_task.escalated',
            entityType: 'callback_task',
            entityId: task.id,
            after: {
              priority: task.priority,
              reason: 'first_contact_overdue',
              ...(task.released_from ? { status: 'open', assigneeId: null } : {}),
            },
            before: task.released_from
              ? { status: 'in_progress', assigneeId: task.released_from }
              : undefined,
          },
          manager,
        );
      }
      return escalated.length;
    });
  }
}
