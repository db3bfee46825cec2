import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import {
  ATTEMPT_RESULTS,
  BorrowerCasefile,
  CallbackTaskQueries,
  CallbackWorkflow,
  MINUTES_BETWEEN_ATTEMPTS,
  TaskListFilters,
  UNREACHABLE_AFTER_ATTEMPTS,
} from '@app/callbacks';
import { COMPLAINT_CATEGORIES, ComplaintWorkflow, RECEIVED_VIA } from '@app/complaints';
import { nextAllowedSendTime, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock, FieldError, NotFoundException } from '@app/core';
import { StaffSession, StaffUserService } from '@app/identity';
import { Survey, SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession, Roles } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import {
  field,
  Form,
  FormFields,
  Notice,
  queryText,
  refusalOf,
  seeOther,
  submitForm,
  versionOf,
} from './forms';

const TABS = ['mine', 'open', 'all'] as const;
type Tab = (typeof TABS)[number];

interface PageState {
  notice?: string | null;
  error?: string | null;
  errors?: FieldError[] | null;
  revealed?: { phone: string | null; email: string | null } | null;
}

/**
 * The callback queue and the task page: take the next task, log attempts, close it or register a
 * complaint. Agents see the open queue and their own tasks; experts and admins see every task.
 */
@Console('agent', 'expert', 'admin')
@Controller('console')
export class QueueController {
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

  @Get('queue')
  async queue(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const supervisor = session.user.role !== 'agent';
    const requested = queryText(query, 'tab') as Tab | undefined;
    const tab: Tab =
      requested && TABS.includes(requested) && (requested !== 'all' || supervisor) ? requested : 'mine';
    const filters: TaskListFilters = {
      overdue: query.overdue === '1',
      category: queryText(query, 'category', 50),
      touchpoint: queryText(query, 'touchpoint', 50),
      channel: queryText(query, 'channel', 20),
      product: queryText(query, 'product', 50),
      cursor: queryText(query, 'cursor', 300),
      limit: 25,
    };
    if (tab === 'mine')
      Object.assign(filters, {
        assigneeId: session.user.id,
        status: 'in_progress',
        hideWaitingCallBacks: true,
      });
    if (tab === 'open') filters.status = 'open';
    const status = queryText(query, 'status', 20);
    if (tab === 'all' && status) filters.status = status;
    const [page, counts, staff, surveys] = await Promise.all([
      this.tasks.list(filters),
      this.tasks.counts(),
      this.users.names(),
      this.surveys(),
    ]);
    const base = new URLSearchParams();
    for (const [key, value] of Object.entries({
      tab,
      status,
      overdue: filters.overdue ? '1' : undefined,
      category: filters.category,
      touchpoint: filters.touchpoint,
      channel: filters.channel,
      product: filters.product,
    })) {
      if (value) base.set(key, value);
    }
    const nextPage = page.nextCursor
      ? `?${new URLSearchParams([...base, ['cursor', page.nextCursor]]).toString()}`
      : null;
    this.pages.send(
      reply,
      200,
      'queue',
      {
        session,
        locale: session.user.locale,
        section: 'queue',
        title: this.pages.text(session.user.locale, 'queue.title'),
      },
      {
        tab,
        supervisor,
        counts,
        items: page.items.map((item) => ({
          ...item,
          surveyTitle: surveys.get(item.response.survey)?.title ?? null,
          assignee: item.assigneeId ? (staff.get(item.assigneeId) ?? '—') : null,
        })),
        nextPage,
        firstPage: filters.cursor ? `?${base.toString()}` : null,
        filters: { ...filters, status: status ?? '' },
        categories: COMPLAINT_CATEGORIES,
        notice: queryText(query, 'notice', 40) ?? null,
        tabs: TABS.filter((t) => t !== 'all' || supervisor).map((t) => ({ id: t, current: t === tab })),
      },
    );
  }

  @Post('queue/take-next')
  async takeNext(@CurrentSession() session: StaffSession, @Res() reply: FastifyReply): Promise<void> {
    const task = await this.workflow.takeNext(session.actor);
    seeOther(
      reply,
      task ? `/console/tasks/${task.id}?notice=taken` : '/console/queue?tab=open&notice=queue_empty',
    );
  }

  @Get('tasks/:id')
  async task(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showTask(reply, session, id, 200, { notice });
  }

  @Post('tasks/:id/reveal')
  async reveal(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.visibleTask(session, id);
    const revealed = await this.casefile.reveal(session.actor, id);
    await this.showTask(reply, session, id, 200, { revealed });
  }

  @Post('tasks/:id/attempts')
  async logAttempt(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const callBackLocal = field(form, 'callBackAt');
    const callBackAt = callBackLocal
      ? (DateTime.fromISO(callBackLocal, { zone: session.user.timeZone }).toUTC().toISO() ?? 'invalid')
      : null;
    const log = () =>
      this.workflow.logAttempt(session.actor, id, versionOf(form), {
        result: field(form, 'result') ?? '',
        note: field(form, 'note') ?? null,
        callBackAt,
      });
    if (field(form, 'next') !== '1') return this.change(reply, session, id, 'attempt_logged', log);
    // "Log the call and take the next task": the attempt, then straight on to the next task.
    await this.visibleTask(session, id);
    try {
      await log();
    } catch (error) {
      const refusal = refusalOf(error);
      return this.showTask(reply, session, id, refusal.status, refusal);
    }
    const next = await this.workflow.takeNext(session.actor);
    seeOther(
      reply,
      next
        ? `/console/tasks/${next.id}?notice=attempt_logged_next`
        : '/console/queue?tab=open&notice=queue_empty',
    );
  }

  @Post('tasks/:id/close')
  async close(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, 'closed', () =>
      this.workflow.close(session.actor, id, versionOf(form), field(form, 'reason') ?? ''),
    );
  }

  @Post('tasks/:id/release')
  async release(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, 'released', () =>
      this.workflow.release(session.actor, id, versionOf(form)),
    );
  }

  @Post('tasks/:id/assign')
  @Roles('expert', 'admin')
  async assign(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, 'assigned', () =>
      this.workflow.assign(session.actor, id, versionOf(form), field(form, 'assigneeId') ?? ''),
    );
  }

  @Post('tasks/:id/complaint')
  async registerComplaint(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.change(reply, session, id, 'complaint_registered', () =>
      this.complaints.register(session.actor, id, versionOf(form), {
        receivedVia: field(form, 'receivedVia') ?? 'callback',
        category: field(form, 'category') || null,
        substance: field(form, 'substance') ?? '',
      }),
    );
  }

  /** Applies a task form: done → back to the task with a notice; refused → the task page again with the reason. */
  private async change(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    notice: string,
    run: () => Promise<unknown>,
  ): Promise<void> {
    await this.visibleTask(session, id);
    await submitForm(
      reply,
      `/console/tasks/${id}?notice=${notice}`,
      (refusal) => this.showTask(reply, session, id, refusal.status, refusal),
      run,
    );
  }

  /** The programmes by key, for their names and question texts (the current version's). */
  private async surveys(): Promise<Map<string, Survey>> {
    return new Map((await this.catalog.programmes()).map((s) => [s.key, s]));
  }

  /** Agents open tasks in the open queue and their own; another agent's task is "not found" to them. */
  private async visibleTask(session: StaffSession, id: string) {
    const task = await this.tasks.get(id);
    if (session.user.role === 'agent' && task.status !== 'open' && task.assigneeId !== session.user.id)
      throw new NotFoundException('The callback task');
    return task;
  }

  private async showTask(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    status: number,
    state: PageState,
  ): Promise<void> {
    const task = await this.visibleTask(session, id);
    const [casefile, staff, revealed, { policy }, isWorkingDay, surveys] = await Promise.all([
      this.casefile.ofTask(id),
      this.users.names(),
      state.revealed ? Promise.resolve(state.revealed) : this.casefile.revealedTo(session.actor, id),
      this.catalog.current(),
      this.calendar.lookup(),
      this.surveys(),
    ]);
    const survey = surveys.get(task.response.survey);
    // The borrower's own time beside the phone, flagged inside quiet hours (a call at night).
    const now = this.clock.now();
    const borrowerTime = DateTime.fromJSDate(now, { zone: casefile.borrower.timeZone });
    const quiet = nextAllowedSendTime(now, casefile.borrower.timeZone, isWorkingDay, policy.quietHours) > now;
    // Progress to "unreachable": unsuccessful attempts on different working days, in the lender's zone.
    const unsuccessfulDays = new Set(
      task.attemptsLog
        .filter((a) => a.result !== 'reached')
        .map((a) => DateTime.fromISO(a.attemptedAt, { zone: this.config.lenderTimeZone }).toISODate()!)
        .filter((day) => isWorkingDay(day)),
    ).size;
    const lastAttempt = task.attemptsLog.reduce<string | null>(
      (latest, a) => (latest === null || a.attemptedAt > latest ? a.attemptedAt : latest),
      null,
    );
    const nextUnsuccessfulAt =
      lastAttempt && new Date(lastAttempt).getTime() + MINUTES_BETWEEN_ATTEMPTS * 60_000 > now.getTime()
        ? new Date(new Date(lastAttempt).getTime() + MINUTES_BETWEEN_ATTEMPTS * 60_000).toISOString()
        : null;
    const mine = task.assigneeId === session.user.id;
    const supervisor = session.user.role !== 'agent';
    const working = task.status === 'in_progress' && (mine || supervisor);
    this.pages.send(
      reply,
      status,
      'task',
      {
        session,
        locale: session.user.locale,
        section: 'queue',
        title: `${this.pages.text(session.user.locale, 'task.title')} · ${casefile.borrower.name ?? casefile.borrower.externalId}`,
      },
      {
        task: { ...task, answersList: answerList(task.answers, survey, session.user.locale) },
        surveyTitle: survey?.title ?? null,
        casefile: {
          ...casefile,
          previousResponses: casefile.previousResponses.map((r) => ({
            ...r,
            surveyTitle: surveys.get(r.survey)?.title ?? null,
          })),
        },
        assignee: task.assigneeId ? (staff.get(task.assigneeId) ?? '—') : null,
        working,
        supervisor,
        canTake: task.status === 'open',
        assignable:
          supervisor && (task.status === 'open' || task.status === 'in_progress')
            ? await this.users.assignable()
            : null,
        attemptResults: ATTEMPT_RESULTS,
        unreachable: {
          days: unsuccessfulDays,
          needed: UNREACHABLE_AFTER_ATTEMPTS,
          ready: unsuccessfulDays >= UNREACHABLE_AFTER_ATTEMPTS,
        },
        nextUnsuccessfulAt,
        receivedVia: RECEIVED_VIA,
        categories: COMPLAINT_CATEGORIES,
        suggestedCategory: task.tags.find((t) => t !== 'other') ?? 'other',
        notice: state.notice ?? null,
        error: state.error ?? null,
        errors: state.errors ?? null,
        revealed,
        borrowerTime: borrowerTime.isValid
          ? { time: borrowerTime.toFormat('HH:mm'), zone: casefile.borrower.timeZone, quiet }
          : null,
      },
    );
  }
}

/** Each answer under its question's text in the reader's language (the id when the programme lost it). */
function answerList(
  answers: unknown,
  survey: Survey | undefined,
  locale: 'ru' | 'en',
): { question: string; known: boolean; value: string }[] {
  if (!answers || typeof answers !== 'object') return [];
  return Object.entries(answers as Record<string, unknown>).map(([id, value]) => {
    const text = survey?.questions.find((q) => q.id === id)?.text[locale];
    return { question: text ?? id, known: text !== undefined, value: String(value) };
  });
}
