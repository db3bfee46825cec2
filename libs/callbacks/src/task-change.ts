import { Actor, AuditService, AuditAction } from '@app/audit';
import { DomainException } from '@app/core';
import { versionedUpdate } from '@app/database';
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
  call_back_at: Date | null;
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
 * Changes a task through `versionedUpdate` (lock, version check, changed columns written) and records
 * the changed columns in the audit log, all in the caller's transaction.
 */
export async function changeTask(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  taskId: string,
  expectedVersion: number,
  action: AuditAction,
  now: Date,
  change: (task: TaskRow) => Partial<TaskRow> | Promise<Partial<TaskRow>>,
): Promise<TaskRow> {
  const { row, before, after } = await versionedUpdate<TaskRow>(
    manager,
    { name: 'callback_task', noun: 'The callback task' },
    taskId,
    expectedVersion,
    now,
    change,
  );
  await audit.record(
    actor,
    { action, entityType: 'callback_task', entityId: row.id, before, after },
    manager,
  );
  return row;
}
