import { Controller, Get, Query, Res } from '@nestjs/common';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, AuditQueries } from '@app/audit';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { StaffSession, StaffUserService } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { queryText } from './forms';
import { readableHistory } from './history-view';

const FILTERS = ['entityType', 'entityId', 'actorId', 'action', 'from', 'to'] as const;

/** The audit log viewer for compliance and admins: who did what to which record, newest first. */
@Console('compliance', 'admin')
@Controller('console/audit')
export class AuditLogController {
  constructor(
    private readonly auditLog: AuditQueries,
    private readonly users: StaffUserService,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const filters: Record<string, string | undefined> = {};
    for (const key of FILTERS) filters[key] = queryText(query, key, 100);
    const locale = session.user.locale;
    const frame = { session, locale, section: 'audit', title: this.pages.text(locale, 'audit.title') };
    const people = (await this.users.list()).map((u) => ({ id: u.id, name: u.name }));
    const view = {
      filters: { entityType: '', entityId: '', actorId: '', action: '', from: '', to: '', ...clean(filters) },
      entityTypes: AUDIT_ENTITY_TYPES,
      actions: AUDIT_ACTIONS,
      people,
    };
    let page;
    try {
      page = await this.auditLog.list(
        session.actor,
        { ...clean(filters), before: queryText(query, 'before', 20) },
        this.config.lenderTimeZone,
      );
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'audit', frame, {
        ...view,
        items: [],
        nextPage: null,
        errors: error.errors ?? null,
      });
    }
    const names = new Map(people.map((p) => [p.id, p.name]));
    const readable = readableHistory(
      page.items,
      { zone: session.user.timeZone, staff: names, text: (key) => this.pages.optionalText(locale, key) },
      { foldViews: false },
    );
    const params = new URLSearchParams(clean(filters));
    this.pages.send(reply, 200, 'audit', frame, {
      ...view,
      errors: null,
      items: page.items.map((r, i) => ({
        ...r,
        who: readable[i]!.who,
        actionText: readable[i]!.action,
        changes: readable[i]!.changes,
        // The record as stored, for the rare question the readable lines do not answer.
        raw: JSON.stringify({ before: r.before, after: r.after, details: r.details }).slice(0, 2000),
      })),
      nextPage: page.nextBefore ? `?${new URLSearchParams([...params, ['before', page.nextBefore]])}` : null,
    });
  }
}

function clean(filters: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter((e): e is [string, string] => e[1] !== undefined));
}
