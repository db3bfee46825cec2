import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import { CallbackTaskQueries, CallbackWorkflow, TaskListFilters } from '@app/callbacks';
import { COMPLAINT_CATEGORIES } from '@app/complaints';
import { StaffSession, StaffUserService } from '@app/identity';
import { SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { queryText, seeOther } from './forms';

const TABS = ['mine', 'open', 'all'] as const;
type Tab = (typeof TABS)[number];

/**
 * The callback queue: tabs, filters and counts, and "take the next task". Agents see the open queue
 * and their own tasks; experts and admins see every task. The task page is `TaskPageController`.
 */
@Console('agent', 'expert', 'admin')
@Controller('console')
export class QueueController {
  constructor(
    private readonly tasks: CallbackTaskQueries,
    private readonly workflow: CallbackWorkflow,
    private readonly users: StaffUserService,
    private readonly pages: ConsoleRenderer,
    private readonly catalog: SurveyCatalog,
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
      this.catalog.programmes(),
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
          surveyTitle: surveys.find((s) => s.key === item.response.survey)?.title ?? null,
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
}
