import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditQueries } from '@app/audit';
import { CallbackTaskQueries } from '@app/callbacks';
import { WorkingCalendar, workingDaysUntil } from '@app/calendar';
import {
  CLASSIFICATIONS,
  ComplaintAttachments,
  ComplaintQueries,
  type ComplaintDetail,
  CORRECTIVE_ACTION_STATUSES,
  MAX_EXTENSION_WORKING_DAYS,
  RESPONSE_TYPES,
  ReviewCriteria,
} from '@app/complaints';
import { AppConfig } from '@app/config';
import { Clock, FieldError } from '@app/core';
import { StaffSession, StaffUserService } from '@app/identity';
import { SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { ConsoleRenderer } from './console-renderer.service';
import { readableHistory } from './history-view';
import { field, fields, FormFields } from './forms';

/**
 * One complaint's page, for its reader's role: what the borrower said first, the deadline, the review,
 * the attachments and the readable history; a refused form shown again as typed (`draft`).
 */
@Injectable()
export class ComplaintPage {
  constructor(
    private readonly queries: ComplaintQueries,
    private readonly reviewCriteria: ReviewCriteria,
    private readonly attachments: ComplaintAttachments,
    private readonly auditLog: AuditQueries,
    private readonly calendar: WorkingCalendar,
    private readonly users: StaffUserService,
    private readonly tasks: CallbackTaskQueries,
    private readonly catalog: SurveyCatalog,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** What the complaint's forms show: what was just typed into a refused form, else what is saved. */
  private formValues(complaint: ComplaintDetail, draft: FormFields | null): Record<string, string> {
    const saved = (value: unknown) => (typeof value === 'string' ? value : '');
    const actionDueDate = complaint.correctiveActionDueAt
      ? (DateTime.fromISO(complaint.correctiveActionDueAt, {
          zone: this.config.lenderTimeZone,
        }).toISODate() ?? '')
      : '';
    const values: Record<string, string> = {
      classification: saved(complaint.classification),
      rootCause: saved(complaint.rootCause),
      responseType: saved(complaint.responseType),
      redress: saved(complaint.redress),
      correctiveAction: saved(complaint.correctiveAction),
      correctiveActionOwner: saved(complaint.correctiveActionOwner),
      correctiveActionDueAt: actionDueDate,
      resolution: saved(complaint.resolution),
      reason: '',
      note: '',
      dueAt: actionDueDate,
      workingDays: String(MAX_EXTENSION_WORKING_DAYS),
      borrowerNotifiedAt: '',
    };
    if (draft)
      for (const key of Object.keys(values))
        if (field(draft, key) !== undefined) values[key] = field(draft, key)!;
    return values;
  }

  /** The answer and the calls a complaint found on a callback came from: what the borrower said first. */
  private async origin(taskId: string | null) {
    if (!taskId) return null;
    const [task, programmes] = await Promise.all([this.tasks.get(taskId), this.catalog.programmes()]);
    return {
      score: task.response.score,
      channel: task.response.channel,
      surveyTitle: programmes.find((s) => s.key === task.response.survey)?.title ?? null,
      survey: task.response.survey,
      comment: task.comment,
      attempts: task.attemptsLog,
    };
  }

  async show(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    status: number,
    notice: string | null,
    error: string | null,
    errors: FieldError[] | null,
    draft: FormFields | null = null,
  ): Promise<void> {
    const complaint = await this.queries.get(session.actor, id);
    const [history, staff, isWorkingDay, inForce, assignable, files, origin] = await Promise.all([
      this.auditLog.history('complaint', complaint.id),
      this.users.names(),
      this.calendar.lookup(),
      this.reviewCriteria.current(),
      this.users.assignable(),
      this.attachments.list(complaint.id),
      this.origin(complaint.callbackTaskId),
    ]);
    const expertRole = session.user.role === 'expert' || session.user.role === 'admin';
    const now = this.clock.now();
    const deadline = new Date(complaint.extendedDueAt ?? complaint.dueAt);
    const locale = session.user.locale;
    const editable =
      complaint.status !== 'resolved' && (session.user.role === 'expert' || session.user.role === 'admin');
    this.pages.send(
      reply,
      status,
      'complaint',
      {
        session,
        locale,
        section: 'complaints',
        title: `${this.pages.text(locale, 'complaint.title')} № ${complaint.registerNo}`,
      },
      {
        complaint,
        workingDaysLeft: complaint.resolvedAt
          ? null
          : workingDaysUntil(this.clock.now(), deadline, this.config.lenderTimeZone, isWorkingDay),
        deadline: deadline.toISOString(),
        editable,
        canExtend: editable && !complaint.extendedDueAt,
        canResolve: editable && complaint.status === 'under_review',
        canAssign: editable,
        canReopen: expertRole && complaint.status === 'resolved',
        canTrackAction:
          expertRole &&
          (complaint.correctiveActionStatus === 'planned' ||
            complaint.correctiveActionStatus === 'in_progress'),
        actionOverdue:
          (complaint.correctiveActionStatus === 'planned' ||
            complaint.correctiveActionStatus === 'in_progress') &&
          complaint.correctiveActionDueAt !== null &&
          new Date(complaint.correctiveActionDueAt) < now,
        actionStatuses: CORRECTIVE_ACTION_STATUSES,
        form: this.formValues(complaint, draft),
        attachments: files.map((f) => ({ ...f, kilobytes: Math.max(1, Math.round(f.size / 1024)) })),
        // Who may follow which link: the register and scans are not the agent's; tasks not compliance's.
        seesRegister: session.user.role !== 'agent',
        seesTasks: session.user.role !== 'compliance',
        canAttach: expertRole,
        experts: assignable.filter((u) => u.role === 'expert'),
        assigneeName: complaint.assigneeId ? (staff.get(complaint.assigneeId) ?? null) : null,
        origin,
        // A review keeps the text it was judged by; criteria retired since still show on it.
        criteria: [
          ...(complaint.criteriaJudged ?? []).filter((j) => !inForce.some((c) => c.key === j.key)),
          ...inForce,
        ].map((c) => ({
          id: c.key,
          text: complaint.criteriaJudged?.find((j) => j.key === c.key)?.[locale] ?? c[locale],
          checked: draft ? fields(draft, 'criteria').includes(c.key) : complaint.criteria.includes(c.key),
        })),
        classifications: CLASSIFICATIONS,
        responseTypes: RESPONSE_TYPES,
        maxExtension: MAX_EXTENSION_WORKING_DAYS,
        history: readableHistory(history, {
          zone: session.user.timeZone,
          staff,
          text: (key) => this.pages.optionalText(locale, key),
        }),
        notice,
        error,
        errors,
      },
    );
  }
}
