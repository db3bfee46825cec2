import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService, AuditAction } from '@app/audit';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { changeTask, requireStaff, requireTaskOwner } from '@app/callbacks';
import { AppConfig } from '@app/config';
import {
  Clock,
  DomainException,
  FieldError,
  isIsoDate,
  isPlainText,
  isUuid,
  ValidationFailedException,
} from '@app/core';
import { DateTime } from 'luxon';
import { versionedUpdate } from '@app/database';
import { MessageOutbox } from '@app/messaging';
import { WebhookOutbox } from '@app/webhooks';
import { DataSource, EntityManager } from 'typeorm';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  ComplaintRow,
  CORRECTIVE_ACTION_STATUSES,
  CorrectiveActionStatus,
  RECEIVED_VIA,
  RESPONSE_TYPES,
} from './complaint.model';
import { ReviewCriteria } from './review-criteria.service';
import { ComplaintRecords } from './complaint-records.repository';
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
  if (typeof value !== 'string' || value.length > max || !isPlainText(value, 'multiline')) {
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
    private readonly records: ComplaintRecords,
    private readonly criteria: ReviewCriteria,
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
      const dueAt = answerDueAt(now, (from, days) =>
        addWorkingDays(from, days, this.config.lenderTimeZone, isWorkingDay),
      );
      const complaint = await this.records.register(manager, actor, {
        taskId: task.id,
        borrowerId: task.borrower_id,
        receivedVia,
        // Found on the callback itself: received and registered at once.
        receivedAt: now,
        category,
        substance: substance!,
        registeredAt: now,
        registeredBy: actor.type === 'staff' ? actor.id : null,
        dueAt,
        registeredLate: false,
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
      /** YYYY-MM-DD in the lender's zone. */
      correctiveActionDueAt?: string | null;
    },
  ): Promise<ComplaintSummary> {
    const expert = requireStaff(actor, ['expert', 'admin']);
    const errors: FieldError[] = [];
    const inForce = await this.criteria.current();
    const known = inForce.map((c) => c.key);
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
    const actionDueDate = input.correctiveActionDueAt || null;
    if (actionDueDate !== null && !isIsoDate(actionDueDate))
      errors.push({ path: 'correctiveActionDueAt', message: 'must be a date YYYY-MM-DD' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const actionDueAt = actionDueDate ? this.endOfLocalDay(actionDueDate) : null;
    return this.change(actor, complaintId, version, 'complaint.reviewed', (c) => {
      if (c.status === 'resolved')
        throw new DomainException('conflict', 'A resolved complaint is not reviewed again.');
      if (actionDueAt && actionDueAt < c.registered_at)
        throw new ValidationFailedException([
          { path: 'correctiveActionDueAt', message: 'must not be before the complaint was registered' },
        ]);
      return {
        status: 'under_review',
        criteria,
        criteria_judged: inForce.filter((c) => criteria.includes(c.key)),
        classification: input.classification,
        root_cause: rootCause,
        response_type: input.responseType,
        redress,
        resolution,
        corrective_action: correctiveAction,
        corrective_action_owner: owner,
        corrective_action_due_at: correctiveAction ? actionDueAt : null,
        corrective_action_status: correctiveAction ? (c.corrective_action_status ?? 'planned') : null,
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
        channel: complaint.received_via,
        classification: complaint.classification,
        resolvedAt: summary.resolvedAt,
        onTime: summary.onTime,
      });
      return summary;
    });
  }

  /** Who works the complaint: an active expert or admin, or nobody (back to the group). */
  async assign(
    actor: Actor,
    complaintId: string,
    version: number,
    assigneeId: string | null,
  ): Promise<ComplaintSummary> {
    requireStaff(actor, ['expert', 'admin']);
    if (assigneeId !== null) {
      const [eligible] = isUuid(assigneeId)
        ? await this.db.query(
            `SELECT 1 FROM staff_user WHERE id = $1 AND role IN ('expert', 'admin') AND disabled_at IS NULL`,
            [assigneeId],
          )
        : [];
      if (!eligible)
        throw new ValidationFailedException([
          { path: 'assigneeId', message: 'must be an active expert or admin' },
        ]);
    }
    return this.change(actor, complaintId, version, 'complaint.assigned', (c) => {
      if (c.status === 'resolved')
        throw new DomainException('conflict', 'A resolved complaint is not assigned.');
      return { assignee_id: assigneeId };
    });
  }

  /**
   * The borrower disagrees, or the regulator asks again: a resolved complaint opens again for a new
   * review, its deadline counted afresh from the reopening (15 working days, one extension again).
   */
  async reopen(
    actor: Actor,
    complaintId: string,
    version: number,
    input: { reason: string },
  ): Promise<ComplaintSummary> {
    requireStaff(actor, ['expert', 'admin']);
    const errors: FieldError[] = [];
    const reason = text(errors, 'reason', input.reason, true, 2000);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const now = this.clock.now();
    const isWorkingDay = await this.calendar.lookup();
    return this.change(actor, complaintId, version, 'complaint.reopened', (c) => {
      if (c.status !== 'resolved')
        throw new DomainException('conflict', 'Only a resolved complaint is reopened.');
      return {
        status: 'registered',
        resolved_at: null,
        due_at: answerDueAt(now, (from, days) =>
          addWorkingDays(from, days, this.config.lenderTimeZone, isWorkingDay),
        ),
        extended_due_at: null,
        extension_reason: null,
        extension_notified_at: null,
        reopened_at: now,
        reopen_reason: reason,
        reopen_count: c.reopen_count + 1,
      };
    });
  }

  /**
   * The corrective action tracked to the end, independently of the complaint's resolution: planned →
   * in progress → done, or dropped with a reason; its due date may move (not before registration).
   */
  async trackCorrectiveAction(
    actor: Actor,
    complaintId: string,
    version: number,
    input: { status: string; note?: string | null; dueAt?: string | null },
  ): Promise<ComplaintSummary> {
    requireStaff(actor, ['expert', 'admin']);
    const errors: FieldError[] = [];
    if (!(CORRECTIVE_ACTION_STATUSES as readonly string[]).includes(input.status))
      errors.push({ path: 'status', message: `must be one of ${CORRECTIVE_ACTION_STATUSES.join(', ')}` });
    const note = text(errors, 'note', input.note, input.status === 'dropped', 2000);
    const dueDate = input.dueAt || null;
    if (dueDate !== null && !isIsoDate(dueDate))
      errors.push({ path: 'dueAt', message: 'must be a date YYYY-MM-DD' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const status = input.status as CorrectiveActionStatus;
    const dueAt = dueDate ? this.endOfLocalDay(dueDate) : undefined;
    const now = this.clock.now();
    return this.change(actor, complaintId, version, 'complaint.corrective_action_changed', (c) => {
      if (!c.corrective_action || !c.corrective_action_status)
        throw new DomainException('conflict', 'The review names no corrective action to track.');
      if (c.corrective_action_status === 'done' || c.corrective_action_status === 'dropped')
        throw new DomainException('conflict', 'The corrective action is closed.');
      if (dueAt && dueAt < c.registered_at)
        throw new ValidationFailedException([
          { path: 'dueAt', message: 'must not be before the complaint was registered' },
        ]);
      const closed = status === 'done' || status === 'dropped';
      return {
        corrective_action_status: status,
        corrective_action_note: note ?? c.corrective_action_note,
        ...(dueAt ? { corrective_action_due_at: dueAt } : {}),
        corrective_action_closed_at: closed ? now : null,
      };
    });
  }

  /** The end of a lender's calendar day: a date-only deadline is met all that day. */
  private endOfLocalDay(date: string): Date {
    return DateTime.fromISO(date, { zone: this.config.lenderTimeZone }).endOf('day').toJSDate();
  }

  private change(
    actor: Actor,
    id: string,
    version: number,
    action: AuditAction,
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
    action: AuditAction,
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
