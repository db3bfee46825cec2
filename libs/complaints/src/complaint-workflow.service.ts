import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { changeTask, requireStaff, requireTaskOwner } from '@app/callbacks';
import { AppConfig } from '@app/config';
import { Clock, DomainException, FieldError, ValidationFailedException } from '@app/core';
import { versionedUpdate } from '@app/database';
import { MessageOutbox } from '@app/messaging';
import { WebhookOutbox } from '@app/webhooks';
import { DataSource, EntityManager } from 'typeorm';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  ComplaintRow,
  RECEIVED_VIA,
  RESPONSE_TYPES,
  REVIEW_CRITERIA,
} from './complaint.model';
import { answerDueAt, deadlineOf, extendedDueAt, MAX_EXTENSION_WORKING_DAYS } from './complaint-deadline';

export interface ComplaintSummary {
  id: string;
  registerNo: string;
  status: string;
  version: number;
  registeredAt: string;
  dueAt: string;
  extendedDueAt: string | null;
  classification: string | null;
  resolvedAt: string | null;
  onTime: boolean | null;
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(
  errors: FieldError[],
  path: string,
  value: unknown,
  required: boolean,
  max = 4000,
): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (required) errors.push({ path, message: 'is required' });
    return null;
  }
  if (typeof value !== 'string' || value.length > max || CONTROL.test(value)) {
    errors.push({ path, message: `must be text of at most ${max} characters` });
    return null;
  }
  return value.trim();
}

export function complaintSummary(c: ComplaintRow): ComplaintSummary {
  const deadline = deadlineOf(c);
  return {
    id: c.id,
    registerNo: c.register_no,
    status: c.status,
    version: c.version,
    registeredAt: c.registered_at.toISOString(),
    dueAt: c.due_at.toISOString(),
    extendedDueAt: c.extended_due_at?.toISOString() ?? null,
    classification: c.classification,
    resolvedAt: c.resolved_at?.toISOString() ?? null,
    onTime: c.resolved_at ? c.resolved_at <= deadline : null,
  };
}

/**
 * Complaints: registered from a callback task with a gap-free register number per year, answered
 * within 15 working days (one extension of up to 10), reviewed by the resonance group against the
 * criteria checklist, classified and resolved. Every step is audited with before and after.
 */
@Injectable()
export class ComplaintWorkflow {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly calendar: WorkingCalendar,
    private readonly webhooks: WebhookOutbox,
    private readonly messages: MessageOutbox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async register(
    actor: Actor,
    taskId: string,
    version: number,
    input: { receivedVia?: string; category?: string | null; substance: string },
  ): Promise<ComplaintSummary> {
    const errors: FieldError[] = [];
    const receivedVia = input.receivedVia ?? 'callback';
    if (!(RECEIVED_VIA as readonly string[]).includes(receivedVia))
      errors.push({ path: 'receivedVia', message: `must be one of ${RECEIVED_VIA.join(', ')}` });
    if (input.category && !(COMPLAINT_CATEGORIES as readonly string[]).includes(input.category)) {
      errors.push({ path: 'category', message: `must be one of ${COMPLAINT_CATEGORIES.join(', ')}` });
    }
    const substance = text(errors, 'substance', input.substance, true);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const now = this.clock.now();
    const isWorkingDay = await this.calendar.lookup();

    return this.db.transaction(async (manager) => {
      const task = await changeTask(
        manager,
        this.audit,
        actor,
        taskId,
        version,
        'callback_task.complaint_registered',
        now,
        (t) => {
          requireTaskOwner(actor, t);
          if (t.status !== 'in_progress')
            throw new DomainException('conflict', 'A complaint is registered from a task in progress.');
          return { status: 'complaint', first_contact_at: t.first_contact_at ?? now };
        },
      );
      const category = input.category ?? task.tags.find((t) => t !== 'other') ?? 'other';
      const year = Number(
        new Intl.DateTimeFormat('en', { timeZone: this.config.lenderTimeZone, year: 'numeric' }).format(now),
      );
      // Gap-free: the year's counter row is locked and incremented in this transaction, so a rollback
      // takes its number back with it, and concurrent registrations take numbers one after another.
      const [{ seq }] = await manager.query(
        `INSERT INTO complaint_counter (year, last_value) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_value = complaint_counter.last_value + 1 RETURNING last_value AS seq`,
        [year],
      );
      const dueAt = answerDueAt(now, (from, days) =>
        addWorkingDays(from, days, this.config.lenderTimeZone, isWorkingDay),
      );
      const rows: ComplaintRow[] = await manager.query(
        `INSERT INTO complaint (register_year, register_seq, task_id, borrower_id, received_via, category, substance, registered_at, registered_by, due_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, $8) RETURNING *`,
        [
          year,
          seq,
          task.id,
          task.borrower_id,
          receivedVia,
          category,
          substance,
          now,
          actor.type === 'staff' ? actor.id : null,
          dueAt,
        ],
      );
      const complaint = rows[0]!;
      await this.audit.record(
        actor,
        {
          action: 'complaint.registered',
          entityType: 'complaint',
          entityId: complaint.id,
          after: {
            registerNo: complaint.register_no,
            category,
            receivedVia,
            dueAt: dueAt.toISOString(),
            taskId: task.id,
          },
        },
        manager,
      );
      await this.webhooks.emit(manager, 'complaint.registered', `complaint.registered:${complaint.id}`, {
        complaintId: complaint.id,
        registerNo: complaint.register_no,
        callbackTaskId: task.id,
        category,
        dueAt: dueAt.toISOString(),
      });
      return complaintSummary(complaint);
    });
  }

  /** One extension of up to 10 working days, with the reason and when the borrower was told. */
  async extend(
    actor: Actor,
    complaintId: string,
    version: number,
    input: { workingDays: number; reason: string; borrowerNotifiedAt: string },
  ): Promise<ComplaintSummary> {
    requireStaff(actor, ['expert', 'admin']);
    const errors: FieldError[] = [];
    if (
      !Number.isInteger(input.workingDays) ||
      input.workingDays < 1 ||
      input.workingDays > MAX_EXTENSION_WORKING_DAYS
    ) {
      errors.push({
        path: 'workingDays',
        message: `must be a whole number from 1 to ${MAX_EXTENSION_WORKING_DAYS}`,
      });
    }
    const reason = text(errors, 'reason', input.reason, true, 2000);
    const notified = new Date(input.borrowerNotifiedAt);
    if (Number.isNaN(notified.getTime()) || notified > this.clock.now())
      errors.push({ path: 'borrowerNotifiedAt', message: 'must be a date-time not in the future' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const isWorkingDay = await this.calendar.lookup();
    return this.change(actor, complaintId, version, 'complaint.extended', (c) => {
      if (c.status === 'resolved')
        throw new DomainException('conflict', 'A resolved complaint is not extended.');
      if (c.extended_due_at) throw new DomainException('conflict', 'The deadline can be extended once.');
      return {
        extended_due_at: extendedDueAt(c.due_at, input.workingDays, (from, days) =>
          addWorkingDays(from, days, this.config.lenderTimeZone, isWorkingDay),
        ),
        extension_reason: reason,
        extension_notified_at: notified,
      };
    });
  }

  /** The resonance group's review: criteria checklist, classification, root cause, response and corrective action. */
  async review(
    actor: Actor,
    complaintId: string,
    version: number,
    input: {
      criteria: string[];
      classification: string;
      rootCause?: string | null;
      responseType: string;
      redress?: string | null;
      resolution?: string | null;
      correctiveAction?: string | null;
      correctiveActionOwner?: string | null;
    },
  ): Promise<ComplaintSummary> {
    const expert = requireStaff(actor, ['expert', 'admin']);
    const errors: FieldError[] = [];
    const known = REVIEW_CRITERIA.map((c) => c.id) as string[];
    const criteria = Array.isArray(input.criteria) ? [...new Set(input.criteria)] : [];
    if (
      !Array.isArray(input.criteria) ||
      !criteria.every((c) => typeof c === 'string' && known.includes(c))
    ) {
      errors.push({ path: 'criteria', message: `must list criteria among ${known.join(', ')}` });
    }
    if (!(CLASSIFICATIONS as readonly string[]).includes(input.classification)) {
      errors.push({ path: 'classification', message: `must be one of ${CLASSIFICATIONS.join(', ')}` });
    }
    if (input.classification !== 'unjustified' && criteria.length === 0) {
      errors.push({
        path: 'criteria',
        message: 'a justified or partly justified complaint names at least one criterion',
      });
    }
    if (!(RESPONSE_TYPES as readonly string[]).includes(input.responseType))
      errors.push({ path: 'responseType', message: `must be one of ${RESPONSE_TYPES.join(', ')}` });
    const rootCause = text(errors, 'rootCause', input.rootCause, input.classification !== 'unjustified');
    const redress = text(errors, 'redress', input.redress, false);
    const resolution = text(errors, 'resolution', input.resolution, false);
    const justified = input.classification === 'justified' || input.classification === 'partly_justified';
    const correctiveAction = text(errors, 'correctiveAction', input.correctiveAction, justified);
    const owner = text(errors, 'correctiveActionOwner', input.correctiveActionOwner, justified, 200);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return this.change(actor, complaintId, version, 'complaint.reviewed', (c) => {
      if (c.status === 'resolved')
        throw new DomainException('conflict', 'A resolved complaint is not reviewed again.');
      return {
        status: 'under_review',
        criteria,
        classification: input.classification,
        root_cause: rootCause,
        response_type: input.responseType,
        redress,
        resolution,
        corrective_action: correctiveAction,
        corrective_action_owner: owner,
        reviewer_id: expert.id,
      };
    });
  }

  /**
   * Resolves a reviewed complaint with the answer given to the borrower and closes its callback task;
   * `answerBy` also sends that answer by SMS or email through the message queue (not a survey: the
   * survey contact cap and survey opt-outs do not apply; quiet hours do).
   */
  async resolve(
    actor: Actor,
    complaintId: string,
    version: number,
    input: { resolution: string; answerBy?: 'sms' | 'email' | null },
  ): Promise<ComplaintSummary> {
    requireStaff(actor, ['expert', 'admin']);
    const errors: FieldError[] = [];
    const resolution = text(errors, 'resolution', input.resolution, true);
    if (
      input.answerBy !== undefined &&
      input.answerBy !== null &&
      input.answerBy !== 'sms' &&
      input.answerBy !== 'email'
    ) {
      errors.push({ path: 'answerBy', message: 'must be sms or email' });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const complaint = await this.changeIn(
        manager,
        actor,
        complaintId,
        version,
        'complaint.resolved',
        (c) => {
          if (c.status !== 'under_review' || !c.classification)
            throw new DomainException('conflict', 'Review and classify the complaint before resolving it.');
          return { status: 'resolved', resolution, resolved_at: now };
        },
      );
      if (complaint.task_id) {
        const [{ version: taskVersion }] = await manager.query(
          `SELECT version FROM callback_task WHERE id = $1`,
          [complaint.task_id],
        );
        await changeTask(
          manager,
          this.audit,
          actor,
          complaint.task_id,
          taskVersion,
          'callback_task.closed',
          now,
          () => ({
            status: 'closed',
            closure_reason: 'complaint_resolved',
            closed_at: now,
          }),
        );
      }
      if (input.answerBy) {
        await this.messages.enqueueComplaintAnswer(manager, {
          complaintId: complaint.id,
          borrowerId: complaint.borrower_id,
          channel: input.answerBy,
          registerNo: complaint.register_no,
          resolution: resolution!,
        });
      }
      const summary = complaintSummary(complaint);
      await this.webhooks.emit(manager, 'complaint.resolved', `complaint.resolved:${complaint.id}`, {
        complaintId: complaint.id,
        registerNo: complaint.register_no,
        classification: complaint.classification,
        resolvedAt: summary.resolvedAt,
        onTime: summary.onTime,
      });
      return summary;
    });
  }

  private change(
    actor: Actor,
    id: string,
    version: number,
    action: string,
    patch: (c: ComplaintRow) => Partial<ComplaintRow>,
  ): Promise<ComplaintSummary> {
    return this.db.transaction(async (manager) =>
      complaintSummary(await this.changeIn(manager, actor, id, version, action, patch)),
    );
  }

  private async changeIn(
    manager: EntityManager,
    actor: Actor,
    id: string,
    version: number,
    action: string,
    patch: (c: ComplaintRow) => Partial<ComplaintRow>,
  ): Promise<ComplaintRow> {
    const { row, before, after } = await versionedUpdate<ComplaintRow>(
      manager,
      { name: 'complaint', noun: 'The complaint' },
      id,
      version,
      this.clock.now(),
      patch,
    );
    await this.audit.record(actor, { action, entityType: 'complaint', entityId: id, before, after }, manager);
    return row;
  }
}
