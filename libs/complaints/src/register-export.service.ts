import { once } from 'node:events';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import {
  FieldError,
  isIsoDate,
  RetryLaterException,
  startWorkerThread,
  ValidationFailedException,
} from '@app/core';
import { takeSlot } from '@app/database';
import { DataSource } from 'typeorm';
import type { RegisterJob, RegisterMainMessage, RegisterWorkerMessage } from './register-export.worker';
import { REGISTER_PERIOD, RegisterFilters, RegisterFormat } from './register-format';

/** The export thread's heap: ample for exceljs' streaming writer, small enough to keep the process lean. */
const WORKER_HEAP_MB = 128;
/** Exports one user may run at once (a CSV and an XLSX side by side). */
export const EXPORTS_PER_USER = 2;
/** Exports running at once on this database, all API processes together: each holds a thread and a connection. */
export const EXPORTS_AT_ONCE = 4;
const RETRY_AFTER_SECONDS = 30;

export function validateRegisterFilters(filters: { from?: unknown; to?: unknown; format?: unknown }): {
  filters: RegisterFilters;
  format: RegisterFormat;
} {
  const errors: FieldError[] = [];
  for (const key of ['from', 'to'] as const) {
    const value = filters[key];
    if (!isIsoDate(value)) {
      errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
    }
  }
  const format = filters.format ?? 'csv';
  if (format !== 'csv' && format !== 'xlsx') errors.push({ path: 'format', message: 'must be csv or xlsx' });
  if (errors.length === 0 && (filters.from as string) > (filters.to as string))
    errors.push({ path: 'to', message: 'must not be before from' });
  if (errors.length > 0) throw new ValidationFailedException(errors);
  return {
    filters: { from: filters.from as string, to: filters.to as string },
    format: format as RegisterFormat,
  };
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
  ) {}

  async count(filters: RegisterFilters): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM complaint c WHERE ${REGISTER_PERIOD}`,
      [filters.from, filters.to, this.config.lenderTimeZone],
    );
    return n;
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
        details: { filters: { from: filters.from, to: filters.to }, format, rows, completed },
      });
    };
    const job: RegisterJob = {
      databaseUrl: (this.db.options as { url: string }).url,
      format,
      params: [filters.from, filters.to, this.config.lenderTimeZone],
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
