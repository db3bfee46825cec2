import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { maskEmail, maskPhone } from '@app/callbacks';
import { StaffSession } from '@app/identity';
import { OptOutService } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { LiftSuppressionForm } from './console-forms';
import { formDto } from './form-dto';
import { Form, FormFields, queryText, submitForm } from './forms';

/**
 * The addresses that opted out (STOP, an unsubscribe, the provider's opt-out), masked: an admin lifts
 * one with a reason when the borrower asks to hear from the lender again. Lifting is audited.
 */
@Console('admin')
@Controller('console/admin/suppressions')
export class AdminSuppressionsController {
  constructor(
    private readonly optOuts: OptOutService,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async page(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.show(reply, session, 200, { notice: queryText(query, 'notice', 40) ?? null });
  }

  @Post(':id/lift')
  async lift(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await submitForm(
      reply,
      '/console/admin/suppressions?notice=suppression_lifted',
      (refusal) => this.show(reply, session, refusal.status, refusal),
      async () => this.optOuts.lift(session.actor, id, (await formDto(LiftSuppressionForm, form)).reason),
    );
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
  ): Promise<void> {
    const entries = await this.optOuts.suppressions();
    sendAdminPage(this.pages, reply, session, status, 'admin-suppressions', 'admin.suppressions', outcome, {
      entries: entries.map((e) => ({
        ...e,
        createdAt: e.createdAt.toISOString(),
        masked: e.channel === 'sms' ? maskPhone(e.address) : maskEmail(e.address),
      })),
    });
  }
}
