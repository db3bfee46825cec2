import { Controller, Get, Query, Res } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CallbackTaskQueries, maskEmail, maskPhone } from '@app/callbacks';
import { ComplaintQueries } from '@app/complaints';
import { StaffSession } from '@app/identity';
import { BorrowerDirectory } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { queryText } from './forms';

const REGISTER_NO = /^\d{4}-\d{6}$/;

/**
 * One search box for the whole console: a borrower by name, external id, phone or email, or a
 * complaint by register number; each result leads to what the role may open (tasks for the queue's
 * people, complaints for the register's). Contacts stay masked; the search is audited by its kind,
 * never by what was typed (a phone number is personal data).
 */
@Console('agent', 'expert', 'compliance', 'admin')
@Controller('console/search')
export class SearchController {
  constructor(
    private readonly borrowers: BorrowerDirectory,
    private readonly tasks: CallbackTaskQueries,
    private readonly complaints: ComplaintQueries,
    private readonly audit: AuditService,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async search(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const q = (queryText(query, 'q', 200) ?? '').trim();
    const role = session.user.role;
    const seesTasks = role !== 'compliance';
    const seesComplaints = role !== 'agent';
    let results: Record<string, unknown>[] = [];
    let complaints: unknown[] = [];
    if (q.length >= 2) {
      const found = REGISTER_NO.test(q) ? [] : await this.borrowers.search(q);
      const ids = found.map((b) => b.id);
      const tasks = seesTasks
        ? await this.tasks.ofBorrowers(ids, role === 'agent' ? session.user.id : null)
        : [];
      results = found.map((b) => ({
        externalId: b.externalId,
        name: b.name,
        phone: maskPhone(b.phone),
        email: maskEmail(b.email),
        tasks: tasks.filter((t) => t.borrowerId === b.id),
      }));
      complaints = seesComplaints
        ? await this.complaints.find(session.actor, {
            borrowerIds: ids,
            registerNo: REGISTER_NO.test(q) ? q : null,
          })
        : [];
      await this.audit.record(session.actor, {
        action: 'console.searched',
        entityType: 'borrower',
        details: { kind: kindOf(q), results: found.length },
      });
    }
    const locale = session.user.locale;
    this.pages.send(
      reply,
      200,
      'search',
      { session, locale, title: this.pages.text(locale, 'search.title') },
      { q, searched: q.length >= 2, results, complaints, seesComplaints },
    );
  }
}

function kindOf(q: string): string {
  if (REGISTER_NO.test(q)) return 'register_no';
  if (q.includes('@')) return 'email';
  if (/^[+\d\s()-]{7,}$/.test(q)) return 'phone';
  return 'name_or_id';
}
