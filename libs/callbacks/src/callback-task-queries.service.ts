import { Injectable } from '@nestjs/common';
import type { Actor } from '@app/audit';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Clock,
  isUuid,
  NotFoundException,
  ValidationFailedException,
  decodeCursor,
  encodeCursor,
} from '@app/core';
import { DataSource } from 'typeorm';
import { dueSoonCondition, overdueCondition } from './task-deadline';

export interface TaskListFilters {
  status?: string;
  overdue?: boolean;
  assigneeId?: string;
  /** A comment tag of the task (payments, collection_conduct, …). */
  category?: string;
  /** Of the answered survey: touchpoint, channel and product (PDL, installment). */
  touchpoint?: string;
  channel?: string;
  product?: string;
  /** Leave out tasks waiting for the "call back at" time their agent logged (the agent's own list). */
  hideWaitingCallBacks?: boolean;
  limit?: number;
  cursor?: string;
}

export interface TaskListItem {
  id: string;
  /** When the borrower asked to be called back (the last attempt's), if they did. */
  callBackAt: string | null;
  status: string;
  priority: number;
  assigneeId: string | null;
  tags: string[];
  firstContactDueAt: string;
  firstContactAt: string | null;
  overdue: boolean;
  /** First contact due within the next two hours. */
  dueSoon: boolean;
  escalated: boolean;
  /** The comment mentions the regulator, a court, the police or a lawyer: the task is at the top of the queue. */
  regulatorMention: boolean;
  attempts: number;
  closureReason: string | null;
  createdAt: string;
  response: {
    id: string;
    score: number;
    survey: string;
    touchpoint: string;
    channel: string;
    product: string | null;
  };
  /** Whether there is a number to call (an email-only borrower is answered in writing). */
  borrower: { externalId: string; name: string | null; hasPhone: boolean };
  version: number;
}

/** A task with its answer, calls and complaint: the task page and `GET /api/v1/callback-tasks/:id`. */
export type TaskDetail = TaskListItem & {
  attemptsLog: { result: string; note: string | null; attemptedAt: string; callBackAt: string | null }[];
  complaint: { id: string; registerNo: string; status: string } | null;
  comment: string | null;
  answers: Record<string, number>;
  /** The contact the survey followed; null for an answer to a relationship campaign. */
  event: { externalId: string; touchpoint: string; occurredAt: string; agentRef: string | null } | null;
  /** The relationship campaign the survey came from, when it did. */
  campaign: { id: string; name: string } | null;
};

const STATUSES = ['open', 'in_progress', 'complaint', 'closed'];

/** Reads of the callback queue: keyset pages in queue order (priority, then due time), and one task in full. */
@Injectable()
export class CallbackTaskQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(filters: TaskListFilters): Promise<{ items: TaskListItem[]; nextCursor: string | null }> {
    const limit = filters.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new ValidationFailedException([{ path: 'limit', message: 'must be from 1 to 200' }]);
    if (filters.status && !STATUSES.includes(filters.status))
      throw new ValidationFailedException([
        { path: 'status', message: `must be one of ${STATUSES.join(', ')}` },
      ]);
    if (filters.assigneeId && !isUuid(filters.assigneeId))
      throw new ValidationFailedException([{ path: 'assigneeId', message: 'must be a UUID' }]);
    const after = decodeCursor(filters.cursor, ['int', 'timestamp', 'uuid']);
    const now = this.clock.now();
    const params: unknown[] = [now, limit + 1];
    const where: string[] = [];
    if (filters.status) where.push(`t.status = $${params.push(filters.status)}`);
    if (filters.assigneeId) where.push(`t.assignee_id = $${params.push(filters.assigneeId)}`);
    if (filters.category) where.push(`$${params.push(filters.category)} = ANY(t.tags)`);
    const responseFilters: string[] = [];
    for (const key of ['touchpoint', 'channel', 'product'] as const) {
      const value = filters[key];
      if (value !== undefined) responseFilters.push(`r.${key} = $${params.push(value)}`);
    }
    if (responseFilters.length > 0) {
      where.push(
        `EXISTS (SELECT 1 FROM response r WHERE r.id = t.response_id AND ${responseFilters.join(' AND ')})`,
      );
    }
    if (filters.overdue) {
      where.push(overdueCondition('t', '$1'));
    }
    if (filters.hideWaitingCallBacks) where.push(`(t.call_back_at IS NULL OR t.call_back_at <= $1)`);
    const filter = where.length ? where.join(' AND ') : 'true';
    const order = 'ORDER BY t.priority DESC, t.first_contact_due_at, t.id';
    // Keyset in queue order (priority descending, then due time and id ascending). The mixed directions
    // do not fit one row comparison, so a later page is two index range scans: the rest of the
    // cursor's priority, then the lower priorities; each stops after one page.
    let pageSql: string;
    if (after) {
      const [p, due, id] = [params.push(after[0]), params.push(after[1]), params.push(after[2])];
      pageSql = `(SELECT t.* FROM callback_task t WHERE ${filter} AND t.priority = $${p}::int
                 AND (t.first_contact_due_at, t.id) > ($${due}::timestamptz, $${id}::uuid) ${order} LIMIT $2)
              UNION ALL
              (SELECT t.* FROM callback_task t WHERE ${filter} AND t.priority < $${p}::int ${order} LIMIT $2)`;
    } else {
      pageSql = `SELECT t.* FROM callback_task t WHERE ${filter} ${order} LIMIT $2`;
    }
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT t.id, t.status, t.priority, t.assignee_id, t.tags, t.first_contact_due_at, t.first_contact_at, t.escalated_at, t.regulator_mention_at, t.attempt_count,
              t.closure_reason, t.created_at, t.version, t.call_back_at, r.id AS response_id, r.score, s.key AS survey, r.touchpoint, r.channel, r.product,
              b.external_id AS borrower_external_id, b.name AS borrower_name, b.phone IS NOT NULL AS borrower_has_phone, t.first_contact_due_at::text AS due_key,
              (${overdueCondition('t', '$1')}) AS overdue, (${dueSoonCondition('t', '$1')}) AS due_soon
         FROM (${pageSql}) t JOIN response r ON r.id = t.response_id JOIN survey s ON s.id = r.survey_id JOIN borrower b ON b.id = t.borrower_id
        ${order}
        LIMIT $2`,
      params,
    );
    const page = rows.slice(0, limit);
    // The cursor keeps the database's own microseconds (an ISO string would round them off and repeat rows).
    const last = rows.length > limit ? page[page.length - 1]! : null;
    return {
      items: page.map(toItem),
      nextCursor: last
        ? encodeCursor([last.priority as number, last.due_key as string, last.id as string])
        : null,
    };
  }

  /** Tasks per status and the overdue ones: the queue's header. */
  async counts(): Promise<{
    open: number;
    inProgress: number;
    complaint: number;
    closed: number;
    overdue: number;
  }> {
    const rows: { status: string; count: string }[] = await this.db.query(
      `SELECT status, count(*) FROM callback_task GROUP BY status
       UNION ALL
       SELECT 'overdue', count(*) FROM callback_task
        WHERE ${overdueCondition('', '$1')}`,
      [this.clock.now()],
    );
    const count = (status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
    return {
      open: count('open'),
      inProgress: count('in_progress'),
      complaint: count('complaint'),
      closed: count('closed'),
      overdue: count('overdue'),
    };
  }

  /**
   * The tasks of these borrowers, newest first, for the console's search. `agentId`: an agent sees the
   * open queue and their own tasks only.
   */
  async ofBorrowers(
    borrowerIds: string[],
    agentId: string | null,
  ): Promise<
    { id: string; borrowerId: string; status: string; createdAt: string; assigneeId: string | null }[]
  > {
    if (borrowerIds.length === 0) return [];
    const rows: {
      id: string;
      borrower_id: string;
      status: string;
      created_at: Date;
      assignee_id: string | null;
    }[] = await this.db.query(
      `SELECT id, borrower_id, status, created_at, assignee_id FROM callback_task
          WHERE borrower_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR status = 'open' OR assignee_id = $2)
          ORDER BY created_at DESC LIMIT 100`,
      [borrowerIds, agentId],
    );
    return rows.map((r) => ({
      id: r.id,
      borrowerId: r.borrower_id,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      assigneeId: r.assignee_id,
    }));
  }

  /**
   * A task as this person may see it: agents open tasks in the open queue and their own; to them any
   * other task is not there at all. Everyone else sees every task.
   */
  async getFor(actor: Actor, id: string): Promise<TaskDetail> {
    const task = await this.get(id);
    if (
      actor.type === 'staff' &&
      actor.role === 'agent' &&
      task.status !== 'open' &&
      task.assigneeId !== actor.id
    )
      throw new NotFoundException('The callback task');
    return task;
  }

  async get(id: string): Promise<TaskDetail> {
    if (!isUuid(id)) throw new NotFoundException('The callback task');
    const page = await this.db.query(
      `SELECT t.id, t.status, t.priority, t.assignee_id, t.tags, t.first_contact_due_at, t.first_contact_at, t.escalated_at, t.regulator_mention_at, t.attempt_count,
              t.closure_reason, t.created_at, t.version, t.call_back_at, r.id AS response_id, r.score, r.comment, r.answers, s.key AS survey, r.touchpoint, r.channel, r.product,
              b.external_id AS borrower_external_id, b.name AS borrower_name, b.phone IS NOT NULL AS borrower_has_phone,
              e.external_id AS event_external_id, e.touchpoint AS event_touchpoint, e.occurred_at AS event_occurred_at,
              e.agent_ref AS event_agent_ref, cp.id AS campaign_id, cp.name AS campaign_name,
              (${overdueCondition('t', '$2')}) AS overdue, (${dueSoonCondition('t', '$2')}) AS due_soon
         FROM callback_task t JOIN response r ON r.id = t.response_id JOIN survey s ON s.id = r.survey_id JOIN borrower b ON b.id = t.borrower_id
         JOIN invitation i ON i.id = r.invitation_id LEFT JOIN contact_event e ON e.id = i.contact_event_id
         LEFT JOIN campaign cp ON cp.id = i.campaign_id
        WHERE t.id = $1`,
      [id, this.clock.now()],
    );
    const row = page[0] as Record<string, unknown> | undefined;
    if (!row) throw new NotFoundException('The callback task');
    const attempts: { result: string; note: string | null; attempted_at: Date; call_back_at: Date | null }[] =
      await this.db.query(
        `SELECT result, note, attempted_at, call_back_at FROM callback_attempt WHERE task_id = $1 ORDER BY attempted_at, id`,
        [id],
      );
    const complaints: { id: string; register_no: string; status: string }[] = await this.db.query(
      `SELECT id, register_no, status FROM complaint WHERE task_id = $1`,
      [id],
    );
    return {
      ...toItem(row),
      comment: (row.comment as string | null) ?? null,
      answers: row.answers as Record<string, number>,
      event: row.event_external_id
        ? {
            externalId: row.event_external_id as string,
            touchpoint: row.event_touchpoint as string,
            occurredAt: (row.event_occurred_at as Date).toISOString(),
            agentRef: (row.event_agent_ref as string | null) ?? null,
          }
        : null,
      campaign: row.campaign_id ? { id: row.campaign_id as string, name: row.campaign_name as string } : null,
      attemptsLog: attempts.map((a) => ({
        result: a.result,
        note: a.note,
        attemptedAt: a.attempted_at.toISOString(),
        callBackAt: a.call_back_at?.toISOString() ?? null,
      })),
      complaint: complaints[0]
        ? { id: complaints[0].id, registerNo: complaints[0].register_no, status: complaints[0].status }
        : null,
    };
  }
}

function toItem(row: Record<string, unknown>): TaskListItem {
  return {
    id: row.id as string,
    status: row.status as string,
    priority: row.priority as number,
    assigneeId: (row.assignee_id as string | null) ?? null,
    tags: row.tags as string[],
    firstContactDueAt: (row.first_contact_due_at as Date).toISOString(),
    firstContactAt: (row.first_contact_at as Date | null)?.toISOString() ?? null,
    overdue: row.overdue as boolean,
    dueSoon: row.due_soon as boolean,
    escalated: row.escalated_at !== null,
    regulatorMention: row.regulator_mention_at !== null,
    attempts: row.attempt_count as number,
    callBackAt: (row.call_back_at as Date | null)?.toISOString() ?? null,
    closureReason: (row.closure_reason as string | null) ?? null,
    createdAt: (row.created_at as Date).toISOString(),
    response: {
      id: row.response_id as string,
      score: Number(row.score),
      survey: row.survey as string,
      touchpoint: row.touchpoint as string,
      channel: row.channel as string,
      product: (row.product as string | null) ?? null,
    },
    borrower: {
      externalId: row.borrower_external_id as string,
      name: (row.borrower_name as string | null) ?? null,
      hasPhone: row.borrower_has_phone as boolean,
    },
    version: row.version as number,
  };
}
