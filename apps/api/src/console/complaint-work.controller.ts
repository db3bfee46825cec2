import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import {
  COMPLAINT_CATEGORIES,
  ComplaintQueries,
  INTAKE_CHANNELS,
  MAX_ATTACHMENTS_AT_ONCE,
  RegisterComplaint,
  WORK_LIST_VIEWS,
} from '@app/complaints';
import { Clock, FieldError } from '@app/core';
import { StaffSession } from '@app/identity';
import { SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, ConsoleRequest, CurrentSession, Roles } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { IntakeForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, Notice, queryText, refusalOf, seeOther, uploads } from './forms';

const INTAKE_FIELDS = [
  'channel',
  'receivedAt',
  'regulatorRef',
  'regulatorDueAt',
  'borrowerExternalId',
  'borrowerName',
  'borrowerPhone',
  'borrowerEmail',
  'product',
  'touchpoint',
  'category',
  'substance',
  'contactEventExternalId',
  'repeatOf',
] as const;

/**
 * The resonance group's daily work on complaints: the work list by deadline, complaints registered by
 * hand from any channel (a letter, a call, the regulator), and the corrective actions still open.
 */
@Console('expert', 'compliance', 'admin')
@Controller('console/complaints')
export class ComplaintWorkController {
  constructor(
    private readonly queries: ComplaintQueries,
    private readonly register: RegisterComplaint,
    private readonly catalog: SurveyCatalog,
    private readonly pages: ConsoleRenderer,
    private readonly clock: Clock,
  ) {}

  @Get('work')
  async workList(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Req() request: ConsoleRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const requested = queryText(query, 'view', 20);
    // Experts start with their own; compliance, who is assigned nothing, with every open complaint.
    const fallback = session.user.role === 'compliance' ? 'all' : 'mine';
    const view =
      requested && (WORK_LIST_VIEWS as readonly string[]).includes(requested) ? requested : fallback;
    const cursor = queryText(query, 'cursor', 300);
    const page = await this.queries.workList(session.actor, view, { cursor });
    // The console guard counted them for the navigation already.
    const counts = request.complaintDeadlines ?? (await this.queries.deadlineCounts());
    const locale = session.user.locale;
    this.pages.send(
      reply,
      200,
      'complaint-work',
      { session, locale, section: 'complaints', title: this.pages.text(locale, 'work.title') },
      {
        views: WORK_LIST_VIEWS.map((v) => ({ key: v, current: v === view })),
        items: page.items,
        counts,
        nextPage: page.nextCursor ? `?${new URLSearchParams({ view, cursor: page.nextCursor })}` : null,
      },
    );
  }

  @Get('actions')
  async actions(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const overdue = queryText(query, 'overdue', 5) === 'true';
    const locale = session.user.locale;
    this.pages.send(
      reply,
      200,
      'corrective-actions',
      { session, locale, section: 'complaints', title: this.pages.text(locale, 'actions.title') },
      { items: await this.queries.openActions(session.actor, overdue), overdue },
    );
  }

  @Get('new')
  @Roles('agent', 'expert', 'admin')
  async intakeForm(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const now = DateTime.fromJSDate(this.clock.now(), { zone: session.user.timeZone }).toFormat(
      "yyyy-MM-dd'T'HH:mm",
    );
    await this.showIntake(
      reply,
      session,
      200,
      { channel: 'letter', receivedAt: now, category: 'other' },
      {
        notice,
        registered: queryText(query, 'no', 20) ?? null,
      },
    );
  }

  @Post('new')
  @Roles('agent', 'expert', 'admin')
  async intake(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = Object.fromEntries(INTAKE_FIELDS.map((k) => [k, (field(form, k) ?? '').trim()])) as Record<
      (typeof INTAKE_FIELDS)[number],
      string
    >;
    const received = DateTime.fromISO(values.receivedAt, { zone: session.user.timeZone });
    const optional = (value: string) => (value === '' ? null : value);
    try {
      // The form's shape first (the same rules as the API's DTOs), then the register's own rules.
      await formDto(IntakeForm, form);
      const result = await this.register.execute(
        session.actor,
        {
          channel: values.channel,
          receivedAt: received.isValid ? received.toUTC().toISO()! : 'invalid',
          regulatorRef: optional(values.regulatorRef),
          regulatorDueAt: optional(values.regulatorDueAt),
          borrower: {
            externalId: optional(values.borrowerExternalId),
            name: optional(values.borrowerName),
            phone: optional(values.borrowerPhone),
            email: optional(values.borrowerEmail),
          },
          product: optional(values.product),
          touchpoint: optional(values.touchpoint),
          category: optional(values.category),
          substance: values.substance,
          contactEventExternalId: optional(values.contactEventExternalId),
          repeatOf: optional(values.repeatOf),
        },
        uploads(form, 'attachments'),
      );
      // Agents register and go on; the register itself is the experts' and compliance's.
      seeOther(
        reply,
        session.user.role === 'agent'
          ? `/console/complaints/new?notice=complaint_registered&no=${result.body.registerNo}`
          : `/console/complaints/${result.complaintId}?notice=complaint_registered`,
      );
    } catch (error) {
      const refusal = refusalOf(error);
      // What was typed stays on the form, with the reason next to it.
      await this.showIntake(reply, session, refusal.status, values, {
        error: refusal.error,
        errors: refusal.errors,
      });
    }
  }

  private async showIntake(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    values: Partial<Record<(typeof INTAKE_FIELDS)[number], string>>,
    extra: {
      notice?: string | null;
      registered?: string | null;
      error?: string;
      errors?: FieldError[] | null;
    },
  ): Promise<void> {
    const { policy } = await this.catalog.current();
    const locale = session.user.locale;
    this.pages.send(
      reply,
      status,
      'complaint-new',
      { session, locale, section: 'complaints', title: this.pages.text(locale, 'intake.title') },
      {
        values: { ...Object.fromEntries(INTAKE_FIELDS.map((k) => [k, ''])), ...values },
        channels: INTAKE_CHANNELS,
        maxFiles: MAX_ATTACHMENTS_AT_ONCE,
        categories: COMPLAINT_CATEGORIES,
        touchpoints: policy.touchpoints,
        // Every field is named (the templates are strict); the refused ones are marked.
        invalid: Object.fromEntries(
          [...INTAKE_FIELDS, 'borrower'].map((k) => [
            k,
            (extra.errors ?? []).some((e) => e.path === k || e.path.startsWith(`${k}.`)),
          ]),
        ),
        notice: extra.notice ?? null,
        registered: extra.registered ?? null,
        error: extra.error ?? null,
        errors: extra.errors ?? null,
      },
    );
  }
}
