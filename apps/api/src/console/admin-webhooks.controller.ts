import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { StaffSession } from '@app/identity';
import { WEBHOOK_EVENTS, WebhookEndpoints } from '@app/webhooks';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { WebhookForm, WebhookStateForm } from './console-forms';
import { asList, formDto } from './form-dto';
import { field, fields, Form, FormFields, Notice, refusalOf, seeOther } from './forms';

/** Webhook endpoints: create (the signing secret shown once), pause, each one's delivery log and a test event. */
@Console('admin')
@Controller('console/admin/webhooks')
export class AdminWebhooksController {
  constructor(
    private readonly webhooks: WebhookEndpoints,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async page(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.show(reply, session, 200, { notice });
  }

  @Post()
  async create(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = { url: field(form, 'url') ?? '', events: fields(form, 'events') };
    try {
      const typed = await formDto(WebhookForm, form);
      const endpoint = await this.webhooks.create(session.actor, {
        url: typed.url,
        events: asList(typed.events),
      });
      await this.show(reply, session, 201, { notice: 'webhook_created', secret: endpoint.secret });
    } catch (error) {
      const refusal = refusalOf(error);
      await this.show(reply, session, refusal.status, refusal, values);
    }
  }

  @Get(':id')
  async endpoint(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const [endpoint, deliveries] = await Promise.all([this.webhooks.get(id), this.webhooks.deliveries(id)]);
    sendAdminPage(
      this.pages,
      reply,
      session,
      200,
      'admin-webhook',
      'admin.webhook',
      { notice },
      {
        endpoint,
        deliveries,
      },
    );
  }

  @Post(':id/test')
  async test(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.webhooks.sendTest(session.actor, id);
    seeOther(reply, `/console/admin/webhooks/${id}?notice=webhook_test_queued`);
  }

  @Post(':id')
  async toggle(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { active } = await formDto(WebhookStateForm, form);
    await this.webhooks.setActive(session.actor, id, active === 'true');
    seeOther(reply, '/console/admin/webhooks?notice=webhook_updated');
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values: { url: string; events: string[] } = { url: '', events: [] },
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-webhooks', 'admin.webhooks', outcome, {
      endpoints: await this.webhooks.list(),
      events: WEBHOOK_EVENTS,
      values,
    });
  }
}
