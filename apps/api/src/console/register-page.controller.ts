import { Controller, Get, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { CLASSIFICATIONS, COMPLAINT_CATEGORIES, ComplaintQueries, RECEIVED_VIA } from '@app/complaints';
import { AppConfig } from '@app/config';
import { Clock, DomainException } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { queryText } from './forms';

const STATUSES = ['registered', 'under_review', 'resolved'];
const FILTER_KEYS = ['from', 'to', 'classification', 'category', 'status', 'channel', 'overdue'] as const;

/**
 * The complaint register: every complaint from every channel, filtered, paged, and downloaded as
 * shown. Every list is written to the audit log by ComplaintQueries.
 */
@Console('expert', 'compliance', 'admin')
@Controller('console/complaints')
export class RegisterPageController {
  constructor(
    private readonly queries: ComplaintQueries,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async register(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const today = DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone });
    const filters = {
      from: queryText(query, 'from', 10) ?? today.minus({ days: 89 }).toISODate()!,
      to: queryText(query, 'to', 10) ?? today.toISODate()!,
      classification: queryText(query, 'classification', 30),
      category: queryText(query, 'category', 50),
      status: queryText(query, 'status', 30),
      channel: queryText(query, 'channel', 30),
      overdue: queryText(query, 'overdue', 5),
      cursor: queryText(query, 'cursor', 300),
      // A page a phone can scroll (each row is a card there); the download carries every row.
      limit: 25,
    };
    const locale = session.user.locale;
    const frame = {
      session,
      locale,
      section: 'complaints',
      title: this.pages.text(locale, 'register.title'),
    };
    let page;
    try {
      page = await this.queries.list(session.actor, filters);
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'register', frame, {
        ...this.registerView(session, filters, [], null),
        errors: error.errors ?? null,
      });
    }
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]!);
    const nextPage = page.nextCursor
      ? `?${new URLSearchParams([...params, ['cursor', page.nextCursor]])}`
      : null;
    this.pages.send(reply, 200, 'register', frame, this.registerView(session, filters, page.items, nextPage));
  }

  private registerView(
    session: StaffSession,
    filters: Partial<Record<(typeof FILTER_KEYS)[number], string>> & { from: string; to: string },
    items: unknown[],
    nextPage: string | null,
  ): Record<string, unknown> {
    // The download buttons carry the filters on screen, and the file speaks the user's language.
    const onScreen = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) onScreen.set(key, filters[key]!);
    onScreen.set('lang', session.user.locale);
    return {
      filters: { classification: '', category: '', status: '', channel: '', overdue: '', ...filters },
      items,
      nextPage,
      errors: null,
      canExport: session.user.role === 'compliance' || session.user.role === 'admin',
      canRegister: session.user.role !== 'compliance',
      exportCsv: `/api/v1/complaints/register?${onScreen}&format=csv`,
      exportXlsx: `/api/v1/complaints/register?${onScreen}&format=xlsx`,
      classifications: CLASSIFICATIONS,
      categories: COMPLAINT_CATEGORIES,
      statuses: STATUSES,
      channels: RECEIVED_VIA,
    };
  }
}
