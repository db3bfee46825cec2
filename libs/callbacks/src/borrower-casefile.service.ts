import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { isUuid, NotFoundException } from '@app/core';
import { DataSource } from 'typeorm';

export interface Casefile {
  borrower: {
    id: string;
    externalId: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    locale: string;
    timeZone: string;
    anonymised: boolean;
  };
  event: { touchpoint: string; product: string | null; agentRef: string | null; occurredAt: string };
  previousResponses: {
    id: string;
    survey: string;
    score: number;
    low: boolean;
    comment: string | null;
    submittedAt: string;
  }[];
  previousTasks: { id: string; status: string; closureReason: string | null; createdAt: string }[];
}

/** `+7 9** *** ** 67` style: enough to recognise the number, not to dial it. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.slice(0, 3) + phone.slice(3, -2).replace(/\d/g, '•') + phone.slice(-2);
}

export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••@${email.slice(at + 1)}`;
}

/**
 * What the callback specialist sees around a task: the borrower with masked contacts, the contact
 * event, previous surveys and tasks. The full phone and email only through `reveal`, which is audited.
 */
@Injectable()
export class BorrowerCasefile {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async ofTask(taskId: string): Promise<Casefile> {
    if (!isUuid(taskId)) throw new NotFoundException('The callback task');
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT b.id, b.external_id, b.name, b.phone, b.email, b.locale, b.time_zone, b.anonymised_at,
              coalesce(e.touchpoint, 'campaign') AS touchpoint, coalesce(e.product, i.product) AS product, e.agent_ref,
              coalesce(e.occurred_at, i.created_at) AS occurred_at, t.response_id
         FROM callback_task t
         JOIN borrower b ON b.id = t.borrower_id
         JOIN response r ON r.id = t.response_id
         JOIN invitation i ON i.id = r.invitation_id
         LEFT JOIN contact_event e ON e.id = i.contact_event_id
        WHERE t.id = $1`,
      [taskId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException('The callback task');
    const [responses, tasks]: [Record<string, unknown>[], Record<string, unknown>[]] = await Promise.all([
      this.db.query(
        `SELECT r.id, s.key AS survey, r.score, r.low, r.comment, r.submitted_at
           FROM response r JOIN survey s ON s.id = r.survey_id
          WHERE r.borrower_id = $1 AND r.id <> $2 ORDER BY r.submitted_at DESC LIMIT 10`,
        [row.id, row.response_id],
      ),
      this.db.query(
        `SELECT id, status, closure_reason, created_at FROM callback_task
          WHERE borrower_id = $1 AND id <> $2 ORDER BY created_at DESC LIMIT 10`,
        [row.id, taskId],
      ),
    ]);
    return {
      borrower: {
        id: row.id as string,
        externalId: row.external_id as string,
        name: (row.name as string | null) ?? null,
        phone: maskPhone(row.phone as string | null),
        email: maskEmail(row.email as string | null),
        locale: row.locale as string,
        timeZone: row.time_zone as string,
        anonymised: row.anonymised_at !== null,
      },
      event: {
        touchpoint: row.touchpoint as string,
        product: (row.product as string | null) ?? null,
        agentRef: (row.agent_ref as string | null) ?? null,
        occurredAt: (row.occurred_at as Date).toISOString(),
      },
      previousResponses: responses.map((r) => ({
        id: r.id as string,
        survey: r.survey as string,
        score: Number(r.score),
        low: r.low as boolean,
        comment: (r.comment as string | null) ?? null,
        submittedAt: (r.submitted_at as Date).toISOString(),
      })),
      previousTasks: tasks.map((t) => ({
        id: t.id as string,
        status: t.status as string,
        closureReason: (t.closure_reason as string | null) ?? null,
        createdAt: (t.created_at as Date).toISOString(),
      })),
    };
  }

  /**
   * The borrower's full phone and email for a call; the audit log records who saw them and why. The
   * reveal is remembered on the task, so they stay shown to that person while the task is open.
   */
  async reveal(actor: Actor, taskId: string): Promise<{ phone: string | null; email: string | null }> {
    if (!isUuid(taskId)) throw new NotFoundException('The callback task');
    return this.db.transaction(async (manager) => {
      const rows: { id: string; phone: string | null; email: string | null }[] = await manager.query(
        `WITH t AS (UPDATE callback_task SET contacts_revealed_to = array_append(array_remove(contacts_revealed_to, $2::uuid), $2::uuid)
                     WHERE id = $1 RETURNING borrower_id)
         SELECT b.id, b.phone, b.email FROM t JOIN borrower b ON b.id = t.borrower_id`,
        [taskId, actor.id],
      );
      const borrower = rows[0];
      if (!borrower) throw new NotFoundException('The callback task');
      await this.audit.record(
        actor,
        {
          action: 'borrower.contacts_revealed',
          entityType: 'borrower',
          entityId: borrower.id,
          details: { taskId },
        },
        manager,
      );
      return { phone: borrower.phone, email: borrower.email };
    });
  }

  /** The contacts this person already revealed for this task, while it is open or in progress. */
  async revealedTo(
    actor: Actor,
    taskId: string,
  ): Promise<{ phone: string | null; email: string | null } | null> {
    if (!isUuid(taskId) || actor.type !== 'staff') return null;
    const rows: { phone: string | null; email: string | null }[] = await this.db.query(
      `SELECT b.phone, b.email FROM callback_task t JOIN borrower b ON b.id = t.borrower_id
        WHERE t.id = $1 AND t.status IN ('open', 'in_progress') AND $2::uuid = ANY (t.contacts_revealed_to)`,
      [taskId, actor.id],
    );
    return rows[0] ?? null;
  }
}
