import { Actor, AuditService } from '@app/audit';
import { DomainException, isUuid, NotFoundException } from '@app/core';
import { EntityManager } from 'typeorm';

export type TaskStatus = 'open' | 'in_progress' | 'complaint' | 'closed';

export interface TaskRow {
  id: string;
  response_id: string;
  borrower_id: string;
  status: TaskStatus;
  priority: number;
  assignee_id: string | null;
  tags: string[];
  first_contact_due_at: Date;
  first_contact_at: Date | null;
  escalated_at: Date | null;
  attempt_count: number;
  closure_reason: string | null;
  closed_at: Date | null;
  version: number;
}

export function requireStaff(actor: Actor, roles: readonly string[]): { id: string; role: string } {
  if (actor.type !== 'staff' || !roles.includes(actor.role)) {
    throw new DomainException('forbidden', `This needs the role ${roles.join(' or ')}.`);
  }
  return { id: actor.id, role: actor.role };
}

/** Experts and admins act on any task; an agent only on a task assigned to them. */
export function requireTaskOwner(actor: Actor, task: TaskRow): void {
  const staff = requireStaff(actor, ['agent', 'expert', 'admin']);
  if (staff.role === 'agent' && task.assignee_id !== staff.id) {
    throw new DomainException('forbidden', 'This task is assigned to someone else.');
  }
}

/**
 * Locks a task, checks the version the caller saw (optimistic locking: a stale change is refused
 * with 409 stale_version), lets `change` decide the new values, writes them with the version bumped
 * and records the change in the audit log, all in the caller's transaction.
 */
export async function changeTask(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  taskId: string,
  expectedVersion: number,
  action: string,
  now: Date,
  change: (task: TaskRow) => Partial<TaskRow> | Promise<Partial<TaskRow>>,
): Promise<TaskRow> {
  if (!isUuid(taskId)) throw new NotFoundException('The callback task');
  const rows: TaskRow[] = await manager.query(`SELECT * FROM callback_task WHERE id = $1 FOR UPDATE`, [
    taskId,
  ]);
  const task = rows[0];
  if (!task) throw new NotFoundException('The callback task');
  if (!Number.isInteger(expectedVersion) || task.version !== expectedVersion) {
    throw new DomainException('stale_version', 'The task changed since you loaded it; reload and try again.');
  }
  const patch = await change(task);
  const next: TaskRow = { ...task, ...patch, version: task.version + 1 };
  await manager.query(
    `UPDATE callback_task SET status = $2, priority = $3, assignee_id = $4, tags = $5, first_contact_at = $6, escalated_at = $7,
            attempt_count = $8, closure_reason = $9, closed_at = $10, version = $11, updated_at = $12
      WHERE id = $1`,
    [
      task.id,
      next.status,
      next.priority,
      next.assignee_id,
      next.tags,
      next.first_contact_at,
      next.escalated_at,
      next.attempt_count,
      next.closure_reason,
      next.closed_at,
      next.version,
      now,
    ],
  );
  const changed = Object.fromEntries(
    Object.keys(patch)
      .filter((k) => JSON.stringify(task[k as keyof TaskRow]) !== JSON.stringify(next[k as keyof TaskRow]))
      .map((k) => [k, k]),
  );
  await audit.record(
    actor,
    {
      action,
      entityType: 'callback_task',
      entityId: task.id,
      before: Object.fromEntries(Object.keys(changed).map((k) => [k, task[k as keyof TaskRow]])),
      after: Object.fromEntries(Object.keys(changed).map((k) => [k, next[k as keyof TaskRow]])),
    },
    manager,
  );
  return next;
}
