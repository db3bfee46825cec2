import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { ComplaintAttachments, ComplaintWorkflow } from '@app/complaints';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession, Roles } from './console-auth';
import { ComplaintPage } from './complaint-page';
import {
  AssignForm,
  CorrectiveActionForm,
  ExtendForm,
  ReopenForm,
  ResolveForm,
  ReviewForm,
} from './console-forms';
import { asList, formDto } from './form-dto';
import { Form, FormFields, Notice, submitForm, uploads, versionOf } from './forms';

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
    await this.change(
      reply,
      session,
      id,
      'extended',
      async () => {
        const extension = await formDto(ExtendForm, form);
        return this.workflow.extend(session.actor, id, versionOf(form), {
          workingDays: Number(extension.workingDays),
          reason: extension.reason,
          borrowerNotifiedAt:
            DateTime.fromISO(extension.borrowerNotifiedAt, { zone: session.user.timeZone }).toUTC().toISO() ??
            'invalid',
        });
      },
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
      async () => {
        const review = await formDto(ReviewForm, form);
        return this.workflow.review(session.actor, id, versionOf(form), {
          criteria: asList(review.criteria),
          classification: review.classification,
          rootCause: review.rootCause ?? null,
          responseType: review.responseType,
          redress: review.redress ?? null,
          resolution: review.resolution ?? null,
          correctiveAction: review.correctiveAction ?? null,
          correctiveActionOwner: review.correctiveActionOwner ?? null,
          correctiveActionDueAt: review.correctiveActionDueAt ?? null,
        });
      },
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
      async () =>
        this.workflow.assign(
          session.actor,
          id,
          versionOf(form),
          (await formDto(AssignForm, form)).assigneeId || null,
        ),
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
      async () =>
        this.workflow.reopen(session.actor, id, versionOf(form), {
          reason: (await formDto(ReopenForm, form)).reason,
        }),
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
      async () => {
        const action = await formDto(CorrectiveActionForm, form);
        return this.workflow.trackCorrectiveAction(session.actor, id, versionOf(form), {
          status: action.status,
          note: action.note || null,
          dueAt: action.dueAt || null,
        });
      },
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
    await this.change(
      reply,
      session,
      id,
      'resolved',
      async () => {
        const resolution = await formDto(ResolveForm, form);
        return this.workflow.resolve(session.actor, id, versionOf(form), {
          resolution: resolution.resolution,
          answerBy: resolution.answerBy ? (resolution.answerBy as 'sms' | 'email') : null,
        });
      },
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
