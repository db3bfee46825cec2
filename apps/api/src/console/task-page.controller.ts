import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { BorrowerCasefile, CallbackTaskQueries, CallbackWorkflow } from '@app/callbacks';
import { nextAllowedSendTime, WorkingCalendar } from '@app/calendar';
import { ComplaintWorkflow } from '@app/complaints';
import { AppConfig } from '@app/config';
import { Clock, FieldError } from '@app/core';
import { StaffSession, StaffUserService } from '@app/identity';
import { SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession, Roles } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { field, Form, FormFields, Notice, refusalOf, seeOther, submitForm, versionOf } from './forms';
import { AssignForm, AttemptForm, CloseTaskForm, TaskComplaintForm } from './console-forms';
import { formDto } from './form-dto';
import { taskView } from './task-view';

interface PageState {
  notice?: string | null;
  error?: string | null;
  errors?: FieldError[] | null;
  revealed?: { phone: string | null; email: string | null } | null;
  /** A refused form's fields, shown again as typed. */
  draft?: Record<string, string>;
}

const DRAFT_FIELDS = ['result', 'note', 'callBackAt', 'category', 'receivedVia', 'substance'];

/** The task page: reveal the contacts, log calls, close the task or register a complaint from it. */
@Console('agent', 'expert', 'admin')
@Controller('console/tasks')
export class TaskPageController {
  constructor(
    private readonly tasks: CallbackTaskQueries,
    private readonly workflow: CallbackWorkflow,
    private readonly complaints: ComplaintWorkflow,
    private readonly casefile: BorrowerCasefile,
    private readonly users: StaffUserService,
    private readonly pages: ConsoleRenderer,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get(':id')
  async task(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.show(reply, session, id, 200, { notice });
  }

  @Post(':id/reveal')
  async reveal(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.tasks.getFor(session.actor, id);
    const revealed = await this.casefile.reveal(session.actor, id);
    await this.show(reply, session, id, 200, { revealed });
  }

  @Post(':id/attempts')
  async logAttempt(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const log = async () => {
      const attempt = await formDto(AttemptForm, form);
      return this.workflow.logAttempt(session.actor, id, versionOf(form), {
        result: attempt.result,
        note: attempt.note || null,
        callBackAt: attempt.callBackAt
          ? (DateTime.fromISO(attempt.callBackAt, { zone: session.user.timeZone }).toUTC().toISO() ??
            'invalid')
          : null,
      });
    };
    if (field(form, 'next') !== '1') return this.change(reply, session, id, form, 'attempt_logged', log);
    // "Log the call and take the next task": the attempt, then straight on to the next task.
    await this.tasks.getFor(session.actor, id);
    try {
      await log();
    } catch (error) {
      const refusal = refusalOf(error);
      return this.show(reply, session, id, refusal.status, { ...refusal, draft: draftOf(form) });
    }
    await this.onToNext(reply, session, 'attempt_logged_next');
  }

  @Post(':id/close')
  async close(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const close = async () =>
      this.workflow.close(session.actor, id, versionOf(form), (await formDto(CloseTaskForm, form)).reason);
    // A supervisor closing a task they looked into stays on it; an agent goes on to the next one.
    if (session.user.role !== 'agent') return this.change(reply, session, id, form, 'closed', close);
    await this.tasks.getFor(session.actor, id);
    try {
      await close();
    } catch (error) {
      const refusal = refusalOf(error);
      return this.show(reply, session, id, refusal.status, { ...refusal, draft: draftOf(form) });
    }
    await this.onToNext(reply, session, 'closed_next');
  }

  /** Straight on to the next task of the queue, or back to the queue when it is empty. */
  private async onToNext(reply: FastifyReply, session: StaffSession, notice: string): Promise<void> {
    const next = await this.workflow.takeNext(session.actor);
    seeOther(
      reply,
      next ? `/console/tasks/${next.id}?notice=${notice}` : '/console/queue?tab=open&notice=queue_empty',
    );
  }

  @Post(':id/release')
  async release(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, form, 'released', () =>
      this.workflow.release(session.actor, id, versionOf(form)),
    );
  }

  @Post(':id/assign')
  @Roles('expert', 'admin')
  async assign(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, form, 'assigned', async () =>
      this.workflow.assign(
        session.actor,
        id,
        versionOf(form),
        (await formDto(AssignForm, form)).assigneeId ?? '',
      ),
    );
  }

  @Post(':id/complaint')
  async registerComplaint(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, form, 'complaint_registered', async () => {
      const complaint = await formDto(TaskComplaintForm, form);
      return this.complaints.register(session.actor, id, versionOf(form), {
        receivedVia: complaint.receivedVia || 'callback',
        category: complaint.category || null,
        substance: complaint.substance,
      });
    });
  }

  /** Applies a task form: done → back to the task with a notice; refused → the task again, as typed. */
  private async change(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    form: FormFields,
    notice: string,
    run: () => Promise<unknown>,
  ): Promise<void> {
    await this.tasks.getFor(session.actor, id);
    await submitForm(
      reply,
      `/console/tasks/${id}?notice=${notice}`,
      (refusal) => this.show(reply, session, id, refusal.status, { ...refusal, draft: draftOf(form) }),
      run,
    );
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    status: number,
    state: PageState,
  ): Promise<void> {
    const task = await this.tasks.getFor(session.actor, id);
    const supervisor = session.user.role !== 'agent';
    const [casefile, staff, revealed, { policy }, isWorkingDay, programmes, assignable] = await Promise.all([
      this.casefile.ofTask(id),
      this.users.names(),
      state.revealed ? Promise.resolve(state.revealed) : this.casefile.revealedTo(session.actor, id),
      this.catalog.current(),
      this.calendar.lookup(),
      this.catalog.programmes(),
      supervisor && (task.status === 'open' || task.status === 'in_progress')
        ? this.users.assignable()
        : Promise.resolve(null),
    ]);
    const now = this.clock.now();
    const locale = session.user.locale;
    this.pages.send(
      reply,
      status,
      'task',
      {
        session,
        locale,
        section: 'queue',
        title: `${this.pages.text(locale, 'task.title')} · ${casefile.borrower.name ?? casefile.borrower.externalId}`,
      },
      {
        ...taskView(
          task,
          casefile,
          {
            reader: { id: session.user.id, role: session.user.role, locale },
            now,
            lenderTimeZone: this.config.lenderTimeZone,
            isWorkingDay,
            quietForBorrower:
              nextAllowedSendTime(now, casefile.borrower.timeZone, isWorkingDay, policy.quietHours) > now,
            surveys: new Map(programmes.map((s) => [s.key, s])),
            staff,
            assignable,
          },
          state.draft,
        ),
        notice: state.notice ?? null,
        error: state.error ?? null,
        errors: state.errors ?? null,
        revealed,
      },
    );
  }
}

/** The task page's typed fields from a refused form. */
function draftOf(form: FormFields): Record<string, string> {
  return Object.fromEntries(
    DRAFT_FIELDS.map((name) => [name, field(form, name)]).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
}
