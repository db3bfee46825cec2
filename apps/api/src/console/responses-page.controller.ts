import { Controller, Get, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { ResponseFilters, ResponseQueries, SURVEY_KINDS } from '@app/analytics';
import { AppConfig } from '@app/config';
import { Clock, DomainException } from '@app/core';
import { StaffSession } from '@app/identity';
import { COMMENT_CATEGORIES, SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { queryText } from './forms';

const FILTER_KEYS = [
  'from',
  'to',
  'survey',
  'kind',
  'touchpoint',
  'channel',
  'product',
  'segment',
  'operator',
  'category',
  'low',
  'hasComment',
] as const;

/**
 * Every answer, newest first, with the dashboard's filters: what borrowers said, each row linked to its
 * callback task and complaint. Comments are personal data: every page read is audited (ResponseQueries).
 * Agents work from their tasks and do not browse answers.
 */
@Console('expert', 'compliance', 'admin')
@Controller('console/responses')
export class ResponsesPageController {
  constructor(
    private readonly responses: ResponseQueries,
    private readonly catalog: SurveyCatalog,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const today = DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone });
    const filters: Record<(typeof FILTER_KEYS)[number], string | undefined> = {
      from: queryText(query, 'from', 10) ?? today.minus({ days: 29 }).toISODate()!,
      to: queryText(query, 'to', 10) ?? today.toISODate()!,
      survey: queryText(query, 'survey', 100),
      kind: queryText(query, 'kind', 10),
      touchpoint: queryText(query, 'touchpoint', 100),
      channel: queryText(query, 'channel', 20),
      product: queryText(query, 'product', 100),
      segment: queryText(query, 'segment', 100),
      operator: queryText(query, 'operator', 100),
      category: queryText(query, 'category', 100),
      low: query.low === 'true' ? 'true' : undefined,
      hasComment: query.hasComment === 'true' ? 'true' : undefined,
    };
    const locale = session.user.locale;
    const programmes = await this.catalog.programmes();
    const view = {
      filters: Object.fromEntries(FILTER_KEYS.map((k) => [k, filters[k] ?? ''])),
      programmes,
      kinds: SURVEY_KINDS,
      categories: COMMENT_CATEGORIES,
      seesTasks: session.user.role !== 'compliance',
    };
    const frame = {
      session,
      locale,
      section: 'responses',
      title: this.pages.text(locale, 'responses.title'),
    };
    let page;
    try {
      page = await this.responses.list(session.actor, {
        ...(filters as ResponseFilters),
        cursor: queryText(query, 'cursor', 300),
        limit: 50,
      });
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'responses', frame, {
        ...view,
        items: [],
        nextPage: null,
        exportCsv: null,
        errors: error.errors ?? null,
      });
    }
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
    const download = new URLSearchParams([...params, ['lang', locale]]);
    this.pages.send(reply, 200, 'responses', frame, {
      ...view,
      errors: null,
      exportCsv: `/api/v1/responses/export?${download}&format=csv`,
      exportXlsx: `/api/v1/responses/export?${download}&format=xlsx`,
      items: page.items.map((item) => ({
        ...item,
        surveyTitle: programmes.find((p) => p.key === item.survey)?.title ?? null,
      })),
      nextPage: page.nextCursor ? `?${new URLSearchParams([...params, ['cursor', page.nextCursor]])}` : null,
      firstPage: query.cursor ? `?${params}` : null,
    });
  }
}
