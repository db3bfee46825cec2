import { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import { Clock, FieldError, isIsoDate, TemplateEngine, ValidationFailedException } from '@app/core';
import { ExportFormat, TableExports, wordsUnder } from '@app/exports';
import { DataSource } from 'typeorm';
import { CLASSIFICATIONS, COMPLAINT_CATEGORIES, RECEIVED_VIA } from './complaint.model';
import {
  REGISTER_COLUMNS,
  REGISTER_SHAPE,
  RegisterFilters,
  RegisterLanguage,
  registerSql,
  registerWhere,
  RegisterWording,
} from './register-format';

const REGISTER_STATUSES = ['registered', 'under_review', 'resolved'];

/** The register's query string: period, format, language and the register page's filters. */
export function validateRegisterFilters(query: Record<string, unknown>): {
  filters: RegisterFilters;
  format: ExportFormat;
  lang: RegisterLanguage;
} {
  const errors: FieldError[] = [];
  for (const key of ['from', 'to'] as const) {
    if (!isIsoDate(query[key])) errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
  }
  const format = query.format ?? 'csv';
  if (format !== 'csv' && format !== 'xlsx') errors.push({ path: 'format', message: 'must be csv or xlsx' });
  const lang = query.lang ?? 'en';
  if (lang !== 'en' && lang !== 'ru') errors.push({ path: 'lang', message: 'must be en or ru' });
  const oneOf = (key: string, allowed: readonly string[]) => {
    const value = query[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      errors.push({ path: key, message: `must be one of ${allowed.join(', ')}` });
      return undefined;
    }
    return value;
  };
  const status = oneOf('status', REGISTER_STATUSES);
  const classification = oneOf('classification', CLASSIFICATIONS);
  const category = oneOf('category', COMPLAINT_CATEGORIES);
  const channel = oneOf('channel', RECEIVED_VIA);
  const overdue = oneOf('overdue', ['true', 'false']);
  if (errors.length === 0 && (query.from as string) > (query.to as string))
    errors.push({ path: 'to', message: 'must not be before from' });
  if (errors.length > 0) throw new ValidationFailedException(errors);
  const filters: RegisterFilters = { from: query.from as string, to: query.to as string };
  if (status) filters.status = status;
  if (classification) filters.classification = classification;
  if (category) filters.category = category;
  if (channel) filters.channel = channel;
  if (overdue === 'true') filters.overdue = true;
  return { filters, format: format as ExportFormat, lang: lang as RegisterLanguage };
}

/**
 * The complaint register as CSV (UTF-8 with BOM, RFC 4180, formula guard) or XLSX, streamed by
 * @app/exports from a worker thread. Dates are in the lender's zone. Every export is audited with its
 * row count.
 */
@Injectable()
export class RegisterExport {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly engine: TemplateEngine,
    private readonly clock: Clock,
    private readonly exports: TableExports,
  ) {}

  async count(filters: RegisterFilters): Promise<number> {
    const where = registerWhere(filters);
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM complaint c WHERE ${where.sql} AND $4::text IS NOT NULL AND $5::timestamptz IS NOT NULL`,
      [filters.from, filters.to, this.config.lenderTimeZone, 'key', this.clock.now(), ...where.params],
    );
    return n;
  }

  /** Russian column titles and values for `lang=ru`; machine codes (none) for `en`. */
  private wording(lang: RegisterLanguage): RegisterWording | null {
    if (lang === 'en') return null;
    const text = this.engine.strings(lang, '');
    const words = (prefix: string) => wordsUnder(text, prefix);
    return {
      header: REGISTER_COLUMNS.map((c) => text[`register.column.${c}`] ?? c),
      values: {
        received_via: words('console.receivedVia.'),
        touchpoint: words('console.touchpoint.'),
        category: words('console.category.'),
        status: words('console.complaintStatus.'),
        classification: words('console.classification.'),
        response_type: words('console.responseType.'),
        corrective_action_status: words('console.actionStatus.'),
        on_time: { yes: text['register.yes'] ?? 'yes', no: text['register.no'] ?? 'no' },
      },
    };
  }

  /**
   * A slot in the bounded export pool (shared with every other export), or a refusal (429 for this
   * user's own limit, 503 when every slot is taken) that is audited like an export.
   */
  reserve(
    actor: Actor,
    filters: RegisterFilters,
    format: ExportFormat,
  ): Promise<{ release(): Promise<void> }> {
    return this.exports.reserve(`${actor.type}:${actor.id}`, (reason) =>
      this.audit.record(actor, {
        action: 'complaint_register.export_refused',
        entityType: 'complaint_register',
        details: { filters, format, reason },
      }),
    );
  }

  export(
    actor: Actor,
    filters: RegisterFilters,
    format: ExportFormat,
    lang: RegisterLanguage,
    output: Writable,
    onProgress?: (rows: number) => void,
  ): Promise<{ rows: number; completed: boolean }> {
    const where = registerWhere(filters);
    return this.exports.stream(
      {
        name: 'resonance-register',
        format,
        sql: registerSql(where.sql),
        params: [
          filters.from,
          filters.to,
          this.config.lenderTimeZone,
          lang === 'ru' ? 'ru' : 'key',
          this.clock.now(),
          ...where.params,
        ],
        shape: REGISTER_SHAPE,
        wording: this.wording(lang),
      },
      output,
      {
        finished: (rows, completed) =>
          this.audit.record(actor, {
            action: 'complaint_register.exported',
            entityType: 'complaint_register',
            details: { filters, format, lang, rows, completed },
          }),
        progress: onProgress,
      },
    );
  }
}
