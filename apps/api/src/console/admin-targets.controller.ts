import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { MetricTargets, TARGET_METRICS, TARGET_SCALES } from '@app/analytics';
import { ValidationFailedException } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { TargetForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, queryText, submitForm } from './forms';

const EMPTY = { metric: 'NPS', value: '', from: '', to: '', touchpoint: '', product: '' };

/**
 * The lender's targets (NPS 45, CLI 7…) for a span of days, for the whole lender or one touchpoint or
 * product: the dashboard's tiles and the metrics API read the gap to them. A target is set or archived,
 * never edited in place.
 */
@Console('admin')
@Controller('console/admin/targets')
export class AdminTargetsController {
  constructor(
    private readonly targets: MetricTargets,
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
  async set(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = Object.fromEntries(
      Object.keys(EMPTY).map((key) => [key, field(form, key) ?? '']),
    ) as typeof EMPTY;
    await submitForm(
      reply,
      '/console/admin/targets?notice=target_set',
      (refusal) => this.show(reply, session, refusal.status, refusal, values),
      async () => {
        const input = await formDto(TargetForm, form);
        // A decimal comma is how a Russian reader writes 4,5.
        const value = Number(input.value.replace(',', '.'));
        if (input.value.trim() === '' || !Number.isFinite(value))
          throw new ValidationFailedException([{ path: 'value', message: 'must be a number' }]);
        return this.targets.set(session.actor, {
          metric: input.metric,
          value,
          from: input.from,
          to: input.to,
          touchpoint: input.touchpoint || null,
          product: input.product || null,
        });
      },
    );
  }

  @Post(':id/archive')
  async archive(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await submitForm(
      reply,
      '/console/admin/targets?notice=target_archived',
      (refusal) => this.show(reply, session, refusal.status, refusal),
      () => this.targets.archive(session.actor, id),
    );
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values: typeof EMPTY = EMPTY,
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-targets', 'admin.targets', outcome, {
      targets: await this.targets.list(),
      metrics: TARGET_METRICS.map((metric) => ({ metric, ...TARGET_SCALES[metric] })),
      values,
    });
  }
}
