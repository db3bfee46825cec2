import { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import { TemplateEngine } from '@app/core';
import { ExportFormat, TableExports, TableShape, TableWording, wordsUnder } from '@app/exports';
import {
  CATEGORY_SQL,
  givenFilters,
  RESPONSE_FROM,
  responseConditions,
  ResponseFilters,
  validateResponseFilters,
} from './response-filters';

export const RESPONSE_COLUMNS = [
  'response_id',
  'answered_at',
  'survey',
  'kind',
  'score',
  'answers',
  'comment',
  'tags',
  'category',
  'touchpoint',
  'channel',
  'product',
  'segment',
  'operator',
  'borrower_external_id',
  'event_external_id',
  'campaign',
  'invitation_id',
  'callback_task_id',
  'complaint_register_no',
] as const;

const SHAPE: TableShape = {
  columns: RESPONSE_COLUMNS,
  dates: ['answered_at'],
  numbers: ['score'],
  sheet: 'Responses',
};

export type ResponseExportLanguage = 'en' | 'ru';

/**
 * Every answer the filters select, newest first, as CSV or XLSX through the register's machinery
 * (@app/exports: a worker thread, backpressure, the formula guard, the shared slot pool). Comments are
 * personal data: every export, and every refused one, is audited with its filters and row count.
 */
@Injectable()
export class ResponseExport {
  constructor(
    private readonly exports: TableExports,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly engine: TemplateEngine,
  ) {}

  reserve(
    actor: Actor,
    filters: ResponseFilters,
    format: ExportFormat,
  ): Promise<{ release(): Promise<void> }> {
    validateResponseFilters(filters);
    return this.exports.reserve(`${actor.type}:${actor.id}`, (reason) =>
      this.audit.record(actor, {
        action: 'responses.export_refused',
        entityType: 'response',
        details: { filters: givenFilters(filters), format, reason },
      }),
    );
  }

  export(
    actor: Actor,
    filters: ResponseFilters,
    format: ExportFormat,
    lang: ResponseExportLanguage,
    output: Writable,
  ): Promise<{ rows: number; completed: boolean }> {
    validateResponseFilters(filters);
    // $1: the lender's zone; then each filter.
    const params: unknown[] = [this.config.lenderTimeZone];
    const where = responseConditions(filters, params, '$1');
    const sql = `SELECT r.id::text AS response_id,
              to_char(r.submitted_at AT TIME ZONE $1::text, 'YYYY-MM-DD HH24:MI') AS answered_at,
              s.key AS survey, s.kind, r.score::text AS score,
              (SELECT string_agg(a.key || '=' || a.value, '; ' ORDER BY a.key) FROM jsonb_each_text(r.answers) a) AS answers,
              r.comment, array_to_string(r.tags, '; ') AS tags, ${CATEGORY_SQL} AS category,
              r.touchpoint, r.channel, r.product, b.segment, e.agent_ref AS operator,
              b.external_id AS borrower_external_id, e.external_id AS event_external_id,
              cp.name AS campaign, r.invitation_id::text AS invitation_id, t.id::text AS callback_task_id,
              c.register_no AS complaint_register_no
         FROM ${RESPONSE_FROM}
         LEFT JOIN callback_task t ON t.response_id = r.id
         LEFT JOIN complaint c ON c.task_id = t.id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.submitted_at DESC, r.id DESC`;
    return this.exports.stream(
      { name: 'resonance-responses', format, sql, params, shape: SHAPE, wording: this.wording(lang) },
      output,
      {
        finished: (rows, completed) =>
          this.audit.record(actor, {
            action: 'responses.exported',
            entityType: 'response',
            details: { filters: givenFilters(filters), format, lang, rows, completed },
          }),
      },
    );
  }

  /** Russian column titles and values for `lang=ru`; machine codes for `en`. */
  private wording(lang: ResponseExportLanguage): TableWording | null {
    if (lang === 'en') return null;
    const text = this.engine.strings(lang, '');
    const words = (prefix: string) => wordsUnder(text, prefix);
    return {
      header: RESPONSE_COLUMNS.map((c) => text[`responses.column.${c}`] ?? c),
      values: {
        kind: words('console.metric.'),
        touchpoint: words('console.touchpoint.'),
        channel: words('console.channel.'),
        category: words('console.category.'),
      },
    };
  }
}
