import { Controller, Get, Post, Res } from '@nestjs/common';
import { StaffSession } from '@app/identity';
import { EditContactPolicy, SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { ContactPolicyForm } from './console-forms';
import { formDto } from './form-dto';
import { field, fields, Form, FormFields, Notice, submitForm } from './forms';

/** The touchpoints the console names; a lender's own codes are kept and shown as typed. */
const NAMED_TOUCHPOINTS = ['call', 'chat', 'email', 'loan_issued', 'repayment', 'collection'];

interface PolicyForm {
  capDays: string;
  touchpoints: string[];
  otherTouchpoints: string;
  workdayStart: string;
  workdayEnd: string;
  dayOffStart: string;
  dayOffEnd: string;
  maxSendAttempts: string;
}

/** The lender-wide contact policy: the survey cap, surveyed touchpoints, quiet hours, send attempts. */
@Console('admin')
@Controller('console/admin/policy')
export class AdminPolicyController {
  constructor(
    private readonly catalog: SurveyCatalog,
    private readonly policy: EditContactPolicy,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async page(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { policy } = await this.catalog.current();
    this.show(
      reply,
      session,
      200,
      { notice },
      {
        capDays: String(policy.capDays),
        touchpoints: policy.touchpoints.filter((t) => NAMED_TOUCHPOINTS.includes(t)),
        otherTouchpoints: policy.touchpoints.filter((t) => !NAMED_TOUCHPOINTS.includes(t)).join(', '),
        workdayStart: policy.quietHours.workday.start,
        workdayEnd: policy.quietHours.workday.end,
        dayOffStart: policy.quietHours.dayOff.start,
        dayOffEnd: policy.quietHours.dayOff.end,
        maxSendAttempts: String(policy.maxSendAttempts),
      },
    );
  }

  @Post()
  async save(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const text = (name: string) => field(form, name)?.trim() ?? '';
    const typed: PolicyForm = {
      capDays: text('capDays'),
      // Checkboxes, or one comma-separated field from a script.
      touchpoints: fields(form, 'touchpoints').flatMap((t) => t.split(',').map((one) => one.trim())),
      otherTouchpoints: text('otherTouchpoints'),
      workdayStart: text('workdayStart'),
      workdayEnd: text('workdayEnd'),
      dayOffStart: text('dayOffStart'),
      dayOffEnd: text('dayOffEnd'),
      maxSendAttempts: text('maxSendAttempts'),
    };
    await submitForm(
      reply,
      '/console/admin/policy?notice=policy_saved',
      async (refusal) => this.show(reply, session, refusal.status, refusal, typed),
      async () => {
        await formDto(ContactPolicyForm, form);
        return this.policy.execute(session.actor, {
          capDays: Number(typed.capDays),
          touchpoints: [...typed.touchpoints, ...typed.otherTouchpoints.split(',')]
            .map((t) => t.trim())
            .filter(Boolean),
          quietHours: {
            workday: { start: typed.workdayStart, end: typed.workdayEnd },
            dayOff: { start: typed.dayOffStart, end: typed.dayOffEnd },
          },
          maxSendAttempts: Number(typed.maxSendAttempts),
        });
      },
    );
  }

  private show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    form: PolicyForm,
  ): void {
    sendAdminPage(this.pages, reply, session, status, 'admin-policy', 'admin.policy', outcome, {
      form,
      touchpoints: NAMED_TOUCHPOINTS,
    });
  }
}
