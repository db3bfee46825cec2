import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { ComplaintAttachments, ComplaintWorkflow } from '@app/complaints';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession, Roles } from './console-auth';
import { ComplaintPage } from './complaint-page';
import { field, fields, Form, FormFields, Notice, submitForm, uploads, versionOf } from './forms';

/**
 * One complaint: experts review, extend, assign, resolve, reopen and track its corrective action;
 * compliance reads it. Every view is written to the audit log by ComplaintQueries.
 */
@Console('expert', 'compliance', 'admin')
@Controller('console/complaints')
export class ComplaintPageController {
  constructor(
    private readonly workflow: ComplaintWorkflow,
    private readonly attachments: ComplaintAttachments,
    private readonly page: ComplaintPage,
  ) {}

  /** Agents open the complaints they registered themselves (the library decides which: `get`). */
  @Get(':id')
  @Roles('agent', 'expert', 'compliance', 'admin')
  async complaint(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.page.show(reply, session, id, 200, notice, null, null);
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
      (refusal) =>
        this.page.show(reply, session, id, refusal.status, null, refusal.error, refusal.errors, form),
      run,
    );
  }
}
