import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock, DomainException, FieldError, isPlainText, ValidationFailedException } from '@app/core';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';
import { changeTask, requireStaff, requireTaskOwner, TaskRow } from './task-change';

export const ATTEMPT_RESULTS = ['reached', 'no_answer', 'busy', 'wrong_number', 'call_back_later'] as const;
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];
/** Unsuccessful attempts on different working days before a task may be closed as unreachable. */
export const UNREACHABLE_AFTER_ATTEMPTS = 3;
/**
 * A call that did not get through counts again only this long after the last attempt: three "no
 * answer" clicks in a minute are one try, not three (and would let a task be closed as unreachable).
 */
export const MINUTES_BETWEEN_ATTEMPTS = 10;
const UNSUCCESSFUL: readonly string[] = ['no_answer', 'busy'];

export interface TaskSummary {
  id: string;
  status: string;
  version: number;
  assigneeId: string | null;
  priority: number;
  firstContactDueAt: string;
}

const summary = (t: TaskRow): TaskSummary => ({
  id: t.id,
  status: t.status,
  version: t.version,
  assigneeId: t.assignee_id,
  priority: t.priority,
  firstContactDueAt: t.first_contact_due_at.toISOString(),
});

/**
 * The callback task's life: taken from the queue or assigned, worked by call attempts, closed as not a
 * complaint or unreachable (or turned into a complaint by RegisterComplaint). Every change names its
 * actor, checks roles and ownership, uses optimistic locking and is audited.
 */
@Injectable()
export class CallbackWorkflow {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
  ) {}

  /**
   * Gives the agent the highest-priority, earliest-due open task. Atomic: two agents pressing at once
   * lock different rows (SKIP LOCKED) and never get the same task. Null when the queue is empty.
   */
  async takeNext(actor: Actor): Promise<TaskSummary | null> {
    const agent = requireStaff(actor, ['agent', 'expert', 'admin']);
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const rows = await queryRows<TaskRow>(
        manager,
        `UPDATE callback_task t SET status = 'in_progress', assignee_id = $1, version = t.version + 1, updated_at = $2
          WHERE t.id = (SELECT id FROM callback_task WHERE status = 'open'
                         ORDER BY priority DESC, first_contact_due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING t.*`,
        [agent.id, now],
      );
      const task = rows[0];
      if (!task) return null;
      await this.audit.record(
        actor,
        {
          action: 'callback_task.taken',
          entityType: 'callback_task',
          entityId: task.id,
          after: { assigneeId: agent.id, status: 'in_progress' },
        },
        manager,
      );
      return summary(task);
    });
  }

  /** Assigns (or reassigns) a task to a staff member: experts and admins only. */
  async assign(actor: Actor, taskId: string, version: number, assigneeId: string): Promise<TaskSummary> {
    requireStaff(actor, ['expert', 'admin']);
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const assignee: { role: string }[] = await manager.query(
        `SELECT role FROM staff_user WHERE id::text = $1 AND disabled_at IS NULL`,
        [assigneeId],
      );
      if (!assignee[0] || !['agent', 'expert'].includes(assignee[0].role)) {
        throw new ValidationFailedException([
          { path: 'assigneeId', message: 'must be an active agent or expert' },
        ]);
      }
      const task = await changeTask(
        manager,
        this.audit,
        actor,
        taskId,
        version,
        'callback_task.assigned',
        now,
        (t) => {
          if (t.status !== 'open' && t.status !== 'in_progress')
            throw new DomainException('conflict', `A ${t.status} task cannot be assigned.`);
          return { assignee_id: assigneeId, status: 'in_progress' };
        },
      );
      return summary(task);
    });
  }

  /** Puts a task back in the queue (its assignee, or an expert). */
  async release(actor: Actor, taskId: string, version: number): Promise<TaskSummary> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) =>
      summary(
        await changeTask(manager, this.audit, actor, taskId, version, 'callback_task.released', now, (t) => {
          requireTaskOwner(actor, t);
          if (t.status !== 'in_progress')
            throw new DomainException('conflict', 'Only a task in progress can be released.');
          return { assignee_id: null, status: 'open' };
        }),
      ),
    );
  }

  async logAttempt(
    actor: Actor,
    taskId: string,
    version: number,
    input: { result: string; note?: string | null; callBackAt?: string | null },
  ): Promise<TaskSummary> {
    const now = this.clock.now();
    const errors: FieldError[] = [];
    if (!(ATTEMPT_RESULTS as readonly string[]).includes(input.result))
      errors.push({ path: 'result', message: `must be one of ${ATTEMPT_RESULTS.join(', ')}` });
    const note = input.note?.trim() || null;
    if (note && (note.length > 2000 || !isPlainText(note, 'multiline')))
      errors.push({ path: 'note', message: 'must be at most 2000 printable characters' });
    let callBackAt: Date | null = null;
    if (input.result === 'call_back_later') {
      callBackAt = input.callBackAt ? new Date(input.callBackAt) : null;
      if (!callBackAt || Number.isNaN(callBackAt.getTime()) || callBackAt <= now)
        errors.push({ path: 'callBackAt', message: 'must be a future date-time' });
    } else if (input.callBackAt) {
      errors.push({ path: 'callBackAt', message: 'only goes with call_back_later' });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return this.db.transaction(async (manager) => {
      const task = await changeTask(
        manager,
        this.audit,
        actor,
        taskId,
        version,
        'callback_task.attempt_logged',
        now,
        async (t) => {
          requireTaskOwner(actor, t);
          if (t.status !== 'in_progress')
            throw new DomainException('conflict', 'Attempts are logged on a task in progress.');
          if (UNSUCCESSFUL.includes(input.result)) {
            const last: { at: Date | null }[] = await manager.query(
              `SELECT max(attempted_at) AS at FROM callback_attempt WHERE task_id = $1`,
              [t.id],
            );
            const since = last[0]?.at ? now.getTime() - last[0].at.getTime() : Number.POSITIVE_INFINITY;
            if (since < MINUTES_BETWEEN_ATTEMPTS * 60_000)
              throw new DomainException(
                'conflict',
                `Another unsuccessful call counts ${MINUTES_BETWEEN_ATTEMPTS} minutes after the last attempt.`,
              );
          }
          return {
            attempt_count: t.attempt_count + 1,
            first_contact_at: input.result === 'reached' ? (t.first_contact_at ?? now) : t.first_contact_at,
            // Out of the agent's list until then; any other attempt ends the wait.
            call_back_at: callBackAt,
          };
        },
      );
      await manager.query(
        `INSERT INTO callback_attempt (task_id, agent_id, result, note, call_back_at, attempted_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [task.id, actor.id, input.result, note, callBackAt, now],
      );
      return summary(task);
    });
  }

  /**
   * Closes a task without a complaint: `not_a_complaint` once the borrower was reached; `unreachable`
   * after UNREACHABLE_AFTER_ATTEMPTS unsuccessful attempts on different working days.
   */
  async close(actor: Actor, taskId: string, version: number, reason: string): Promise<TaskSummary> {
    if (reason !== 'not_a_complaint' && reason !== 'unreachable') {
      throw new ValidationFailedException([
        { path: 'reason', message: 'must be not_a_complaint or unreachable' },
      ]);
    }
    const now = this.clock.now();
    const isWorkingDay = await this.calendar.lookup();
    return this.db.transaction(async (manager) => {
      const attempts: { result: string; day: string }[] = await manager.query(
        `SELECT a.result, to_char(a.attempted_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day
           FROM callback_attempt a WHERE a.task_id::text = $1`,
        [taskId, this.config.lenderTimeZone],
      );
      const task = await changeTask(
        manager,
        this.audit,
        actor,
        taskId,
        version,
        `callback_task.closed`,
        now,
        (t) => {
          requireTaskOwner(actor, t);
          if (t.status !== 'in_progress')
            throw new DomainException('conflict', 'Only a task in progress can be closed this way.');
          if (reason === 'not_a_complaint' && !attempts.some((a) => a.result === 'reached')) {
            throw new DomainException('conflict', 'Log the call in which the borrower was reached first.');
          }
          if (reason === 'unreachable') {
            const days = new Set(
              attempts.filter((a) => a.result !== 'reached' && isWorkingDay(a.day)).map((a) => a.day),
            );
            if (days.size < UNREACHABLE_AFTER_ATTEMPTS) {
              throw new DomainException(
                'conflict',
                `A task is unreachable after ${UNREACHABLE_AFTER_ATTEMPTS} unsuccessful attempts on different days.`,
              );
            }
          }
          return { status: 'closed', closure_reason: reason, closed_at: now };
        },
      );
      return summary(task);
    });
  }
}
