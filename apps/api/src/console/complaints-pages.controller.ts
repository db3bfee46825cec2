import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditQueries } from '@app/audit';
import { CallbackTaskQueries } from '@app/callbacks';
import { WorkingCalendar, workingDaysUntil } from '@app/calendar';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  ComplaintAttachments,
  ComplaintQueries,
  type ComplaintDetail,
  CORRECTIVE_ACTION_STATUSES,
  ComplaintWorkflow,
  MAX_EXTENSION_WORKING_DAYS,
  RECEIVED_VIA,
  RESPONSE_TYPES,
  ReviewCriteria,
} from '@app/complaints';
import { AppConfig } from '@app/config';
import { Clock, DomainException, FieldError } from '@app/core';
import { StaffSession, StaffUserService } from '@app/identity';
import { SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession, Roles } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { readableHistory } from './history-view';
import { field, fields, Form, FormFields, Notice, queryText, submitForm, uploads, versionOf } from './forms';

const STATUSES = ['registered', 'under_review', 'resolved'];
const FILTER_KEYS = ['from', 'to', 'classification', 'category', 'status', 'channel', 'overdue'] as const;

/**
 * The complaint register and one complaint: experts review, extend and resolve; compliance reads and
 * exports. Every list and every view is written to the audit log by ComplaintQueries.
 */
@Console('expert', 'compliance', 'admin')
@Controller('console/complaints')
export class ComplaintsPagesController {
  constructor(
    private readonly queries: ComplaintQueries,
    private readonly workflow: ComplaintWorkflow,
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

  @Get()
  async register(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const today = DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone });
    const filters = {
      from: queryText(query, 'from', 10) ?? today.minus({ days: 89 }).toISODate()!,
      to: queryText(query, 'to', 10) ?? today.toISODate()!,
      classification: queryText(query, 'classification', 30),
      category: queryText(query, 'category', 50),
      status: queryText(query, 'status', 30),
      channel: queryText(query, 'channel', 30),
      overdue: queryText(query, 'overdue', 5),
      cursor: queryText(query, 'cursor', 300),
      limit: 50,
    };
    const locale = session.user.locale;
    const frame = {
      session,
      locale,
      section: 'complaints',
      title: this.pages.text(locale, 'register.title'),
    };
    let page;
    try {
      page = await this.queries.list(session.actor, filters);
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'register', frame, {
        ...this.registerView(session, filters, [], null),
        errors: error.errors ?? null,
      });
    }
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]!);
    const nextPage = page.nextCursor
      ? `?${new URLSearchParams([...params, ['cursor', page.nextCursor]])}`
      : null;
    this.pages.send(reply, 200, 'register', frame, this.registerView(session, filters, page.items, nextPage));
  }

  private registerView(
    session: StaffSession,
    filters: Partial<Record<(typeof FILTER_KEYS)[number], string>> & { from: string; to: string },
    items: unknown[],
    nextPage: string | null,
  ): Record<string, unknown> {
    // The download buttons carry the filters on screen, and the file speaks the user's language.
    const onScreen = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) onScreen.set(key, filters[key]!);
    onScreen.set('lang', session.user.locale);
    return {
      filters: { classification: '', category: '', status: '', channel: '', overdue: '', ...filters },
      items,
      nextPage,
      errors: null,
      canExport: session.user.role === 'compliance' || session.user.role === 'admin',
      canRegister: session.user.role !== 'compliance',
      exportCsv: `/api/v1/complaints/register?${onScreen}&format=csv`,
      exportXlsx: `/api/v1/complaints/register?${onScreen}&format=xlsx`,
      classifications: CLASSIFICATIONS,
      categories: COMPLAINT_CATEGORIES,
      statuses: STATUSES,
      channels: RECEIVED_VIA,
    };
  }

  /** Agents open the complaints they registered themselves (the library decides which: `get`). */
  @Get(':id')
  @Roles('agent', 'expert', 'compliance', 'admin')
  async complaint(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.show(reply, session, id, 200, notice, null, null);
  }

  @Post(':id/extend')
  @Roles('expert', 'admin')
  async extend(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const notified = field(form, 'borrowerNotifiedAt');
    await this.change(
      reply,
      session,
      id,
      'extended',
      () =>
        this.workflow.extend(session.actor, id, versionOf(form), {
          workingDays: Number(field(form, 'workingDays')),
          reason: field(form, 'reason') ?? '',
          borrowerNotifiedAt: notified
            ? (DateTime.fromISO(notified, { zone: session.user.timeZone }).toUTC().toISO() ?? 'invalid')
            : '',
        }),
      form,
    );
  }

  @Post(':id/review')
  @Roles('expert', 'admin')
  async review(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(
      reply,
      session,
      id,
      'reviewed',
      () =>
        this.workflow.review(session.actor, id, versionOf(form), {
          criteria: fields(form, 'criteria'),
          classification: field(form, 'classification') ?? '',
          rootCause: field(form, 'rootCause') ?? null,
          responseType: field(form, 'responseType') ?? '',
          redress: field(form, 'redress') ?? null,
          resolution: field(form, 'resolution') ?? null,
          correctiveAction: field(form, 'correctiveAction') ?? null,
          correctiveActionOwner: field(form, 'correctiveActionOwner') ?? null,
          correctiveActionDueAt: field(form, 'correctiveActionDueAt') ?? null,
        }),
      form,
    );
  }

  @Post(':id/attachments')
  @Roles('expert', 'admin')
  async attach(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, 'attached', () =>
      this.attachments.attach(session.actor, id, uploads(form, 'attachments')),
    );
  }

  /** A scanned letter or document: to staff only, always as a download, audited. */
  @Get('attachments/:attachmentId')
  async download(
    @CurrentSession() session: StaffSession,
    @Param('attachmentId') attachmentId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const file = await this.attachments.download(session.actor, attachmentId);
    const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    void reply
      .status(200)
      .header('Content-Type', file.mediaType)
      .header(
        'Content-Disposition',
        `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      )
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Cache-Control', 'no-store')
      .send(file.content);
  }

  @Post(':id/assign')
  @Roles('expert', 'admin')
  async assign(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(
      reply,
      session,
      id,
      'assigned',
      () => this.workflow.assign(session.actor, id, versionOf(form), field(form, 'assigneeId') || null),
      form,
    );
  }

  @Post(':id/reopen')
  @Roles('expert', 'admin')
  async reopen(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(
      reply,
      session,
      id,
      'reopened',
      () => this.workflow.reopen(session.actor, id, versionOf(form), { reason: field(form, 'reason') ?? '' }),
      form,
    );
  }

  @Post(':id/corrective-action')
  @Roles('expert', 'admin')
  async trackAction(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(
      reply,
      session,
      id,
      'action_changed',
      () =>
        this.workflow.trackCorrectiveAction(session.actor, id, versionOf(form), {
          status: field(form, 'status') ?? '',
          note: field(form, 'note') || null,
          dueAt: field(form, 'dueAt') || null,
        }),
      form,
    );
  }

  @Post(':id/resolve')
  @Roles('expert', 'admin')
  async resolve(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answerBy = field(form, 'answerBy');
    await this.change(
      reply,
      session,
      id,
      'resolved',
      () =>
        this.workflow.resolve(session.actor, id, versionOf(form), {
          resolution: field(form, 'resolution') ?? '',
          answerBy: answerBy === '' || answerBy === undefined ? null : (answerBy as 'sms' | 'email'),
        }),
      form,
    );
  }

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

  /** Applies a form; a refused one comes back with the reason and everything that was typed. */
  private async change(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    notice: string,
    run: () => Promise<unknown>,
    form: FormFields | null = null,
  ): Promise<void> {
    await submitForm(
      reply,
      `/console/complaints/${id}?notice=${notice}`,
      (refusal) => this.show(reply, session, id, refusal.status, null, refusal.error, refusal.errors, form),
      run,
    );
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

  private async show(
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
