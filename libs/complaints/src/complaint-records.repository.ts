import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import { WebhookOutbox } from '@app/webhooks';
import { EntityManager } from 'typeorm';
import { ComplaintRow } from './complaint.model';

export interface NewComplaint {
  taskId: string | null;
  borrowerId: string;
  receivedVia: string;
  receivedAt: Date;
  category: string;
  substance: string;
  registeredAt: Date;
  registeredBy: string | null;
  dueAt: Date;
  registeredLate: boolean;
  externalId?: string | null;
  requestHash?: Buffer | null;
  regulatorRef?: string | null;
  regulatorDueAt?: Date | null;
  product?: string | null;
  touchpoint?: string | null;
  contactEventId?: string | null;
  repeatOfId?: string | null;
}

/**
 * The one way a complaint enters the register, whatever the channel: a gap-free number for the year
 * of registration, the row, its audit entry and the `complaint.registered` webhook, in the caller's
 * transaction.
 */
@Injectable()
export class ComplaintRecords {
  constructor(
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
    private readonly config: AppConfig,
  ) {}

  async register(manager: EntityManager, actor: Actor, c: NewComplaint): Promise<ComplaintRow> {
    const year = Number(
      new Intl.DateTimeFormat('en', { timeZone: this.config.lenderTimeZone, year: 'numeric' }).format(
        c.registeredAt,
      ),
    );
    // Gap-free: the year's counter row is locked and incremented in this transaction, so a rollback
    // takes its number back with it, and concurrent registrations take numbers one after another.
    const [{ seq }] = await manager.query(
      `INSERT INTO complaint_counter (year, last_value) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_value = complaint_counter.last_value + 1 RETURNING last_value AS seq`,
      [year],
    );
    const [complaint]: ComplaintRow[] = await manager.query(
      `INSERT INTO complaint (register_year, register_seq, task_id, borrower_id, received_via, received_at, category, substance,
                              registered_at, registered_by, due_at, registered_late, external_id, request_hash, regulator_ref,
                              regulator_due_at, product, touchpoint, contact_event_id, repeat_of_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $9, $9) RETURNING *`,
      [
        year,
        seq,
        c.taskId,
        c.borrowerId,
        c.receivedVia,
        c.receivedAt,
        c.category,
        c.substance,
        c.registeredAt,
        c.registeredBy,
        c.dueAt,
        c.registeredLate,
        c.externalId ?? null,
        c.requestHash ?? null,
        c.regulatorRef ?? null,
        c.regulatorDueAt ?? null,
        c.product ?? null,
        c.touchpoint ?? null,
        c.contactEventId ?? null,
        c.repeatOfId ?? null,
      ],
    );
    await this.audit.record(
      actor,
      {
        action: 'complaint.registered',
        entityType: 'complaint',
        entityId: complaint!.id,
        after: {
          registerNo: complaint!.register_no,
          receivedVia: c.receivedVia,
          receivedAt: c.receivedAt.toISOString(),
          category: c.category,
          dueAt: c.dueAt.toISOString(),
          registeredLate: c.registeredLate,
          regulatorRef: c.regulatorRef ?? null,
          taskId: c.taskId,
          repeatOfId: c.repeatOfId ?? null,
        },
      },
      manager,
    );
    await this.webhooks.emit(manager, 'complaint.registered', `complaint.registered:${complaint!.id}`, {
      complaintId: complaint!.id,
      registerNo: complaint!.register_no,
      channel: c.receivedVia,
      callbackTaskId: c.taskId,
      category: c.category,
      receivedAt: c.receivedAt.toISOString(),
      dueAt: c.dueAt.toISOString(),
    });
    return complaint!;
  }
}
