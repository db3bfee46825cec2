import { Controller, Get, Post, Res } from '@nestjs/common';
import { CriterionEdit, ReviewCriteria } from '@app/complaints';
import { FieldError } from '@app/core';
import { StaffSession } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { fields, Form, FormFields, Notice, refusalOf, seeOther } from './forms';

/**
 * The review criteria the lender keeps: reword, retire, add. Each change is a new version; reviewed
 * complaints keep the text they were judged by.
 */
@Console('admin')
@Controller('console/admin/criteria')
export class AdminCriteriaController {
  constructor(
    private readonly criteria: ReviewCriteria,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async page(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const rows = (await this.criteria.all()).map((c) => ({
      key: c.key,
      en: c.en,
      ru: c.ru,
      retired: c.retired,
    }));
    this.show(reply, session, 200, rows, { notice });
  }

  @Post()
  async save(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const keys = fields(form, 'key');
    const en = fields(form, 'en');
    const ru = fields(form, 'ru');
    const retired = new Set(fields(form, 'retired'));
    const edits: CriterionEdit[] = keys
      .map((key, i) => ({
        key: key || undefined,
        en: en[i] ?? '',
        ru: ru[i] ?? '',
        retired: retired.has(key),
      }))
      // The empty row for a new criterion is no criterion until something is typed into it.
      .filter((e) => e.key || e.en.trim() || e.ru.trim());
    try {
      await this.criteria.edit(session.actor, edits);
      seeOther(reply, '/console/admin/criteria?notice=criteria_saved');
    } catch (error) {
      const refusal = refusalOf(error);
      this.show(
        reply,
        session,
        refusal.status,
        edits.map((e) => ({ key: e.key ?? '', en: e.en, ru: e.ru, retired: e.retired ?? false })),
        { error: refusal.error, errors: refusal.errors },
      );
    }
  }

  private show(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    rows: { key: string; en: string; ru: string; retired: boolean }[],
    outcome: { notice?: string | null; error?: string; errors?: FieldError[] | null },
  ): void {
    const locale = session.user.locale;
    this.pages.send(
      reply,
      status,
      'admin-criteria',
      { session, locale, section: 'admin', title: this.pages.text(locale, 'admin.criteria') },
      {
        // A row for a new criterion: the one typed into, when a refused form comes back, else an empty one.
        rows: rows.some((r) => !r.key) ? rows : [...rows, { key: '', en: '', ru: '', retired: false }],
        notice: outcome.notice ?? null,
        error: outcome.error ?? null,
        errors: outcome.errors ?? null,
      },
    );
  }
}
