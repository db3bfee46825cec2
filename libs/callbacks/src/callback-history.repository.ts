import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A callback task of the past, in its state now. */
export interface HistoricTask {
  responseId: string;
  borrowerId: string;
  status: 'open' | 'in_progress' | 'complaint' | 'closed';
  priority: number;
  assigneeId: string | null;
  tags: string[];
  regulatorMentionAt: Date | null;
  firstContactDueAt: Date;
  firstContactAt: Date | null;
  escalatedAt: Date | null;
  attemptCount: number;
  closureReason: 'not_a_complaint' | 'unreachable' | null;
  closedAt: Date | null;
  createdAt: Date;
}

export interface HistoricAttempt {
  taskId: string;
  agentId: string;
  result: 'reached' | 'no_answer';
  note: string | null;
  attemptedAt: Date;
}

/**
 * Past callback work written as it was (the demo's ninety days, a lender's history brought in): the
 * tasks, their attempts, and the closing of a task whose complaint was resolved.
 */
@Injectable()
export class CallbackHistory {
  async insertTask(manager: EntityManager, t: HistoricTask): Promise<string> {
    const [task]: { id: string }[] = await manager.query(
      `INSERT INTO callback_task (response_id, borrower_id, status, priority, assignee_id, tags, first_contact_due_at, first_contact_at, escalated_at,
                                  attempt_count, closure_reason, closed_at, created_at, updated_at, regulator_mention_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id`,
      [
        t.responseId,
        t.borrowerId,
        t.status,
        t.priority,
        t.assigneeId,
        t.tags,
        t.firstContactDueAt,
        t.firstContactAt,
        t.escalatedAt,
        t.attemptCount,
        t.closureReason,
        t.closedAt,
        t.createdAt,
        t.regulatorMentionAt,
      ],
    );
    return task!.id;
  }

  async insertAttempt(manager: EntityManager, a: HistoricAttempt): Promise<void> {
    await manager.query(
      `INSERT INTO callback_attempt (task_id, agent_id, result, note, attempted_at) VALUES ($1, $2, $3, $4, $5)`,
      [a.taskId, a.agentId, a.result, a.note, a.attemptedAt],
    );
  }

  async closeForResolvedComplaint(manager: EntityManager, taskId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE callback_task SET status = 'closed', closure_reason = 'complaint_resolved', closed_at = $2 WHERE id = $1`,
      [taskId, at],
    );
  }
}
