import { Controller, Get, Query, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { OperatorFigures, PeopleQueries, SpecialistFigures } from '@app/analytics';
import { AppConfig } from '@app/config';
import { Clock, DomainException } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { queryText } from './forms';

const TABS = ['operators', 'teams', 'qc'] as const;
type Tab = (typeof TABS)[number];

/**
 * The people behind the figures: contact-centre operators and teams by their answers and complaints
 * ("whose contacts cause complaints"), and the QC team by their callback work. Experts and admins see
 * everyone; an agent sees their own callback work only.
 */
@Console('agent', 'expert', 'admin')
@Controller('console/people')
export class PeopleController {
  constructor(
    private readonly people: PeopleQueries,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Get()
  async show(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const today = DateTime.fromJSDate(this.clock.now(), { zone: this.config.lenderTimeZone });
    const period = {
      from: queryText(query, 'from', 10) ?? today.minus({ days: 29 }).toISODate()!,
      to: queryText(query, 'to', 10) ?? today.toISODate()!,
    };
    const agent = session.user.role === 'agent';
    const asked = queryText(query, 'tab', 10) as Tab | undefined;
    const tab: Tab = agent ? 'qc' : asked && TABS.includes(asked) ? asked : 'operators';
    const locale = session.user.locale;
    const frame = { session, locale, section: 'people', title: this.pages.text(locale, 'people.title') };
    const zone = this.config.lenderTimeZone;
    let operators: OperatorFigures[] = [];
    let specialists: SpecialistFigures[] = [];
    try {
      if (tab === 'qc')
        specialists = await this.people.specialists(period, zone, agent ? session.user.id : undefined);
      else operators = await this.people.operators(period, tab === 'teams' ? 'team' : 'operator', zone);
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== 'validation_failed') throw error;
      return this.pages.send(reply, 400, 'people', frame, {
        period,
        tab,
        tabs: agent ? [] : TABS,
        operators,
        specialists,
        errors: error.errors ?? null,
      });
    }
    this.pages.send(reply, 200, 'people', frame, {
      period,
      tab,
      tabs: agent ? [] : TABS,
      operators: operators.map((o) => ({
        ...o,
        // The operator's answers in the explorer, for experts and admins.
        href:
          tab === 'operators'
            ? `/console/responses?${new URLSearchParams({ ...period, operator: o.key })}`
            : null,
      })),
      specialists,
      errors: null,
    });
  }
}
