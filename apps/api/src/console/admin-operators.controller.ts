import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import { OPERATOR_CSV_HEADER, Operators } from '@app/analytics';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { OperatorForm, OperatorImportForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, queryText, submitForm } from './forms';

const EMPTY = { agentRef: '', name: '', team: '', csv: '' };

/** The contact-centre operators behind the events' `agentRef`: kept one by one or imported from a CSV. */
@Console('admin')
@Controller('console/admin/operators')
export class AdminOperatorsController {
  constructor(
    private readonly operators: Operators,
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

  @Post()
  async save(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = {
      ...EMPTY,
      agentRef: field(form, 'agentRef') ?? '',
      name: field(form, 'name') ?? '',
      team: field(form, 'team') ?? '',
    };
    await submitForm(
      reply,
      '/console/admin/operators?notice=operator_saved',
      (refusal) => this.show(reply, session, refusal.status, refusal, values),
      async () => {
        const input = await formDto(OperatorForm, form);
        return this.operators.save(session.actor, {
          agentRef: input.agentRef,
          name: input.name,
          team: input.team || null,
        });
      },
    );
  }

  @Post('import')
  async import(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = { ...EMPTY, csv: field(form, 'csv') ?? '' };
    await submitForm(
      reply,
      '/console/admin/operators?notice=operators_imported',
      (refusal) => this.show(reply, session, refusal.status, refusal, values),
      async () => this.operators.import(session.actor, (await formDto(OperatorImportForm, form)).csv),
    );
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values: typeof EMPTY = EMPTY,
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-operators', 'admin.operators', outcome, {
      operators: await this.operators.list(),
      header: OPERATOR_CSV_HEADER,
      values,
    });
  }
}
