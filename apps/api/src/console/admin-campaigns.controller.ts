import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { MAX_CAMPAIGN_FILE_BYTES, RunCampaigns } from '@app/campaigns';
import { ValidationFailedException } from '@app/core';
import { StaffSession } from '@app/identity';
import { SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { CampaignDraftForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, queryText, refusalOf, seeOther, submitForm, uploads } from './forms';

const EMPTY = { name: '', survey: 'nps_relationship', startAt: '', spreadDays: '0' };
type Values = typeof EMPTY;

/**
 * Relationship campaigns in the console: a CSV uploaded is checked before anything is sent (its bad rows
 * by line, and what its good rows would do: invited, or skipped and why), then started, paused, resumed
 * or cancelled; each campaign's funnel from scheduled to answered.
 */
@Console('admin')
@Controller('console/admin/campaigns')
export class AdminCampaignsController {
  constructor(
    private readonly campaigns: RunCampaigns,
    private readonly catalog: SurveyCatalog,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async list(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showList(reply, session, 200, { notice: queryText(query, 'notice', 40) ?? null });
  }

  @Post()
  async draft(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values: Values = {
      name: field(form, 'name') ?? '',
      survey: field(form, 'survey') ?? '',
      startAt: field(form, 'startAt') ?? '',
      spreadDays: field(form, 'spreadDays') ?? '',
    };
    let id: string;
    try {
      const input = await formDto(CampaignDraftForm, form);
      const [file] = uploads(form, 'file');
      if (!file || file.truncated)
        throw new ValidationFailedException([
          {
            path: 'file',
            message: file
              ? `must be at most ${MAX_CAMPAIGN_FILE_BYTES / 1_048_576} MB`
              : 'must be a CSV file',
          },
        ]);
      const start = input.startAt ? DateTime.fromISO(input.startAt, { zone: session.user.timeZone }) : null;
      if (start && !start.isValid)
        throw new ValidationFailedException([{ path: 'startAt', message: 'must be a date and time' }]);
      if (!/^\d{1,2}$/.test(input.spreadDays || '0'))
        throw new ValidationFailedException([
          { path: 'spreadDays', message: 'must be a whole number from 0 to 30' },
        ]);
      id = (
        await this.campaigns.draft(session.actor, {
          name: input.name,
          survey: input.survey,
          startAt: start ? start.toISO() : null,
          spreadDays: Number(input.spreadDays || '0'),
          fileName: file.fileName,
          content: file.data,
        })
      ).id;
    } catch (error) {
      const refusal = refusalOf(error);
      return this.showList(reply, session, refusal.status, refusal, values);
    }
    // A checked draft opens on its own page, with what its file would do.
    seeOther(reply, `/console/admin/campaigns/${id}?notice=campaign_checked`);
  }

  @Get(':id')
  async page(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showOne(reply, session, id, 200, { notice: queryText(query, 'notice', 40) ?? null });
  }

  @Post(':id/:action')
  async act(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Param('action') action: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const actions: Record<string, { run: () => Promise<unknown>; notice: string }> = {
      start: { run: () => this.campaigns.start(session.actor, id), notice: 'campaign_start' },
      pause: { run: () => this.campaigns.pause(session.actor, id), notice: 'campaign_pause' },
      resume: { run: () => this.campaigns.resume(session.actor, id), notice: 'campaign_resume' },
      cancel: { run: () => this.campaigns.cancel(session.actor, id), notice: 'campaign_cancel' },
      continue: { run: () => this.campaigns.continueImport(session.actor, id), notice: 'campaign_continue' },
    };
    const chosen = Object.hasOwn(actions, action) ? actions[action]! : null;
    if (!chosen) return this.showOne(reply, session, id, 404, { error: 'The page was not found.' });
    await submitForm(
      reply,
      `/console/admin/campaigns/${id}?notice=${chosen.notice}`,
      (refusal) => this.showOne(reply, session, id, refusal.status, refusal),
      chosen.run,
    );
  }

  private async showList(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values: Values = EMPTY,
  ): Promise<void> {
    const [campaigns, programmes] = await Promise.all([this.campaigns.recent(), this.catalog.programmes()]);
    sendAdminPage(this.pages, reply, session, status, 'admin-campaigns', 'admin.campaigns', outcome, {
      campaigns,
      programmes: programmes.filter((p) => p.active).map((p) => ({ key: p.key, title: p.title })),
      values,
      maxMegabytes: MAX_CAMPAIGN_FILE_BYTES / 1_048_576,
    });
  }

  private async showOne(
    reply: FastifyReply,
    session: StaffSession,
    id: string,
    status: number,
    outcome: AdminOutcome,
  ): Promise<void> {
    const [campaign, preview, unfinished] = await Promise.all([
      this.campaigns.progress(id),
      this.campaigns.preview(id),
      this.campaigns.importUnfinished(id),
    ]);
    const programme = (await this.catalog.programmes()).find((p) => p.key === campaign.survey) ?? null;
    const funnelBase = Math.max(campaign.recipients, 1);
    sendAdminPage(this.pages, reply, session, status, 'admin-campaign', 'admin.campaigns', outcome, {
      campaign,
      programmeTitle: programme?.title ?? null,
      preview: campaign.status === 'draft' ? preview : null,
      delimiterName: preview?.delimiter === ';' ? 'semicolon' : 'comma',
      skippedList: Object.entries(
        campaign.status === 'draft' ? (preview?.wouldSkip ?? {}) : campaign.skipped,
      ).map(([reason, count]) => ({ reason, count })),
      funnel: (['scheduled', 'sent', 'delivered', 'opened', 'answered'] as const).map((stage) => ({
        stage,
        count: campaign[stage],
        percent: Math.round((campaign[stage] / funnelBase) * 100),
      })),
      can: {
        start: campaign.status === 'draft',
        continue: unfinished && campaign.status !== 'cancelled',
        pause: campaign.status === 'scheduled' || campaign.status === 'sending',
        resume: campaign.status === 'paused',
        cancel: campaign.status !== 'cancelled' && campaign.status !== 'finished',
      },
    });
  }
}
