import { once } from 'node:events';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import {
  Clock,
  FieldError,
  isIsoDate,
  RetryLaterException,
  startWorkerThread,
  TemplateEngine,
  ValidationFailedException,
} from '@app/core';
import { takeSlot } from '@app/database';
import { DataSource } from 'typeorm';
import type { RegisterJob, RegisterMainMessage, RegisterWorkerMessage } from './register-export.worker';
import { CLASSIFICATIONS, COMPLAINT_CATEGORIES, RECEIVED_VIA } from './complaint.model';
import {
  REGISTER_COLUMNS,
  RegisterFilters,
  RegisterFormat,
  RegisterLanguage,
  registerWhere,
  RegisterWording,
} from './register-format';

/** The export thread's heap: ample for exceljs' streaming writer, small enough to keep the process lean. */
const WORKER_HEAP_MB = 128;
/** Exports one user may run at once (a CSV and an XLSX side by side). */
export const EXPORTS_PER_USER = 2;
/** Exports running at once on this database, all API processes together: each holds a thread and a connection. */
export const EXPORTS_AT_ONCE = 4;
const RETRY_AFTER_SECONDS = 30;

const REGISTER_STATUSES = ['registered', 'under_review', 'resolved'];

/** The register's query string: period, format, language and the register page's filters. */
export function validateRegisterFilters(query: Record<string, unknown>): {
  filters: RegisterFilters;
  format: RegisterFormat;
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
  return { filters, format: format as RegisterFormat, lang: lang as RegisterLanguage };
}

/**
 * Streams the complaint register from a server-side cursor into CSV (UTF-8 with BOM, RFC 4180, formula
 * guard) or XLSX (exceljs streaming writer: string and date cells, never formulas, no shared strings,
 * a new sheet every 1,000,000 rows) in a worker thread (register-export.worker.ts), passing the file on
 * as the output drains, so memory stays flat whatever the size and the API keeps serving meanwhile.
 * Dates are in the lender's zone. Every export is audited with its row count.
 */
@Injectable()
export class RegisterExport {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly engine: TemplateEngine,
    private readonly clock: Clock,
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
    const words = (prefix: string) =>
      Object.fromEntries(
        Object.entries(text)
          .filter(([key]) => key.startsWith(prefix))
          .map(([key, value]) => [key.slice(prefix.length), value]),
      );
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
   * A slot in the bounded export pool, or a refusal (429 for this user's own limit, 503 when every
   * slot is taken) that is audited like an export. Release it when the export ends, however it ends.
   */
  async reserve(
    actor: Actor,
    filters: RegisterFilters,
    format: RegisterFormat,
  ): Promise<{ release(): Promise<void> }> {
    const lease = await takeSlot((this.db.options as { url: string }).url, 'export', {
      holder: `${actor.type}:${actor.id}`,
      perHolder: EXPORTS_PER_USER,
      overall: EXPORTS_AT_ONCE,
    });
    if ('release' in lease) return lease;
    await this.audit.record(actor, {
      action: 'complaint_register.export_refused',
      entityType: 'complaint_register',
      details: { filters, format, reason: lease.refused === 'holder' ? 'user_limit' : 'pool_busy' },
    });
    throw lease.refused === 'holder'
      ? new RetryLaterException(
          'rate_limited',
          `You already have ${EXPORTS_PER_USER} exports running; start another when one finishes.`,
          RETRY_AFTER_SECONDS,
        )
      : new RetryLaterException(
          'unavailable',
          'Every export slot is busy; retry shortly.',
          RETRY_AFTER_SECONDS,
        );
  }

  async export(
    actor: Actor,
    filters: RegisterFilters,
    format: RegisterFormat,
    lang: RegisterLanguage,
    output: Writable,
    onProgress?: (rows: number) => void,
  ): Promise<{ rows: number; completed: boolean }> {
    let rows = 0;
    let audited = false;
    const record = async (completed: boolean) => {
      audited = true;
      await this.audit.record(actor, {
        action: 'complaint_register.exported',
        entityType: 'complaint_register',
        details: { filters, format, lang, rows, completed },
      });
    };
    const where = registerWhere(filters);
    const job: RegisterJob = {
      databaseUrl: (this.db.options as { url: string }).url,
      format,
      where: where.sql,
      params: [
        filters.from,
        filters.to,
        this.config.lenderTimeZone,
        lang === 'ru' ? 'ru' : 'key',
        this.clock.now(),
        ...where.params,
      ],
      wording: this.wording(lang),
    };
    const worker = startWorkerThread(join(__dirname, 'register-export.worker'), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const tell = (message: RegisterMainMessage) => worker.postMessage(message);
    let abandoned = false;
    const abandon = () => {
      if (abandoned) return;
      abandoned = true;
      void worker.terminate();
    };
    output.once('close', () => {
      if (!output.writableFinished) abandon();
    });
    try {
      const completed = await new Promise<boolean>((resolve, reject) => {
        worker.on('message', (message: RegisterWorkerMessage) => {
          if (abandoned) return;
          if (message.type === 'chunk') {
            if (output.destroyed) return abandon();
            if (output.write(message.data)) tell('credit');
            else output.once('drain', () => tell('credit'));
          } else if (message.type === 'progress') {
            rows = message.rows;
            onProgress?.(rows);
          } else if (message.type === 'rows') {
            rows = message.rows;
            // The audit row commits before the file's last bytes leave: whoever has the whole file can
            // find its audit entry. A client that went away is recorded as not completed.
            record(!output.destroyed).then(
              () => (output.destroyed ? abandon() : tell('finish')),
              (error: unknown) => reject(error as Error),
            );
          } else {
            output.end();
          }
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (abandoned) resolve(false);
          else if (code === 0 && output.writableEnded) resolve(true);
          else reject(new Error(`The register export thread stopped (exit code ${code}).`));
        });
      });
      if (completed && !output.writableFinished) await once(output, 'finish').catch(() => undefined);
      if (!audited) await record(false);
      onProgress?.(rows);
      return { rows, completed };
    } catch (error) {
      abandon();
      if (!audited) await record(false).catch(() => undefined);
      throw error;
    }
  }
}
