import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { RefreshMetricRollups } from '@app/analytics';
import { AppConfig } from '@app/config';
import { StaffSession } from '@app/identity';
import { BUILT_IN_KEYWORDS, CommentKeywords, KeywordTrial, TRIAL_COMMENTS } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { KeywordForm, RetagForm } from './console-forms';
import { formDto } from './form-dto';
import { field, Form, FormFields, queryText, refusalOf, seeOther, submitForm } from './forms';

const EMPTY = { category: 'payments', words: '', from: '', to: '' };

/**
 * The comment categories' keywords: the built-in ones and the lender's own words, which are tried on
 * the last 1,000 comments before they are saved; after a change, a period is tagged again (and its
 * metrics rolled up again) so the category charts read the same rules throughout.
 */
@Console('admin')
@Controller('console/admin/keywords')
export class AdminKeywordsController {
  constructor(
    private readonly keywords: CommentKeywords,
    private readonly rollups: RefreshMetricRollups,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async page(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.show(reply, session, 200, {
      notice: queryText(query, 'notice', 40) ?? null,
      retagged: queryText(query, 'changed', 10) ?? null,
    });
  }

  @Post()
  async addOrTry(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = { ...EMPTY, category: field(form, 'category') ?? '', words: field(form, 'words') ?? '' };
    if (field(form, 'action') === 'try') {
      try {
        const input = await formDto(KeywordForm, form);
        const trial = await this.keywords.trial(session.actor, input.category, input.words);
        return this.show(reply, session, 200, {}, values, trial);
      } catch (error) {
        const refusal = refusalOf(error);
        return this.show(reply, session, refusal.status, refusal, values);
      }
    }
    await submitForm(
      reply,
      '/console/admin/keywords?notice=keywords_added',
      (refusal) => this.show(reply, session, refusal.status, refusal, values),
      async () => {
        const input = await formDto(KeywordForm, form);
        return this.keywords.add(session.actor, input.category, input.words);
      },
    );
  }

  @Post('retag')
  async retag(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = { ...EMPTY, from: field(form, 'from') ?? '', to: field(form, 'to') ?? '' };
    let changed: number;
    try {
      const period = await formDto(RetagForm, form);
      changed = (await this.keywords.retag(session.actor, period, this.config.lenderTimeZone)).changed;
      // The category charts read the rollups: the period's days are rolled up again with the new tags.
      await this.rollups.recompute(period.from, period.to);
    } catch (error) {
      const refusal = refusalOf(error);
      return this.show(reply, session, refusal.status, refusal, values);
    }
    seeOther(reply, `/console/admin/keywords?notice=retagged&changed=${changed}`);
  }

  @Post(':id/remove')
  async remove(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await submitForm(
      reply,
      '/console/admin/keywords?notice=keyword_removed',
      (refusal) => this.show(reply, session, refusal.status, refusal),
      () => this.keywords.remove(session.actor, id),
    );
  }

  private async show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome & { retagged?: string | null },
    values: typeof EMPTY = EMPTY,
    trial: KeywordTrial | null = null,
  ): Promise<void> {
    const added = await this.keywords.added();
    sendAdminPage(this.pages, reply, session, status, 'admin-keywords', 'admin.keywords', outcome, {
      categories: Object.entries(BUILT_IN_KEYWORDS).map(([category, builtIn]) => ({
        category,
        builtIn: builtIn.join(', '),
        added: added.filter((a) => a.category === category),
      })),
      values,
      trial,
      trialSize: TRIAL_COMMENTS,
      retagged: outcome.retagged ?? null,
    });
  }
}
