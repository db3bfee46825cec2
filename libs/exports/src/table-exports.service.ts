import { once } from 'node:events';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RetryLaterException, startWorkerThread } from '@app/core';
import { takeSlot } from '@app/database';
import { DataSource } from 'typeorm';
import type { ExportJob, ExportMainMessage, ExportWorkerMessage } from './table-export.worker';

/** The export thread's heap: ample for exceljs' streaming writer, small enough to keep the process lean. */
const WORKER_HEAP_MB = 128;
/** Exports one user may run at once (a CSV and an XLSX side by side), whatever they export. */
export const EXPORTS_PER_USER = 2;
/** Exports running at once on this database, all API processes together: each holds a thread and a connection. */
export const EXPORTS_AT_ONCE = 4;
const RETRY_AFTER_SECONDS = 30;

export type ExportRefusal = 'user_limit' | 'pool_busy';

/** What an export's owner does around the file: the audit entry, and progress for a bar. */
export interface ExportHooks {
  /**
   * Called once with the row count, before the file's last bytes leave (so whoever has the whole file
   * can find its audit entry), or when the export stops early (`completed` false).
   */
  finished(rows: number, completed: boolean): Promise<void>;
  progress?(rows: number): void;
}

/**
 * Streams a query's rows into CSV or XLSX (table-format.ts) from a server-side cursor in a worker
 * thread (table-export.worker.ts), passing the file on as the output drains, so memory stays flat
 * whatever the size and the API keeps serving meanwhile. One bounded pool of export slots, held in the
 * database across API processes, serves every kind of export.
 */
@Injectable()
export class TableExports {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get databaseUrl(): string {
    return (this.db.options as { url: string }).url;
  }

  /**
   * A slot in the pool, or a refusal: `refused` is told why (to audit it), then the caller gets 429 for
   * its own limit or 503 when every slot is taken. Release the slot when the export ends, however it ends.
   */
  async reserve(
    holder: string,
    refused: (reason: ExportRefusal) => Promise<void>,
  ): Promise<{ release(): Promise<void> }> {
    const lease = await takeSlot(this.databaseUrl, 'export', {
      holder,
      perHolder: EXPORTS_PER_USER,
      overall: EXPORTS_AT_ONCE,
    });
    if ('release' in lease) return lease;
    const reason = lease.refused === 'holder' ? 'user_limit' : 'pool_busy';
    await refused(reason);
    throw reason === 'user_limit'
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

  async stream(
    job: Omit<ExportJob, 'databaseUrl'>,
    output: Writable,
    hooks: ExportHooks,
  ): Promise<{ rows: number; completed: boolean }> {
    let rows = 0;
    let finished = false;
    const finish = async (completed: boolean) => {
      finished = true;
      await hooks.finished(rows, completed);
    };
    const worker = startWorkerThread(join(__dirname, 'table-export.worker'), {
      workerData: { ...job, databaseUrl: this.databaseUrl } satisfies ExportJob,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const tell = (message: ExportMainMessage) => worker.postMessage(message);
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
        worker.on('message', (message: ExportWorkerMessage) => {
          if (abandoned) return;
          if (message.type === 'chunk') {
            if (output.destroyed) return abandon();
            if (output.write(message.data)) tell('credit');
            else output.once('drain', () => tell('credit'));
          } else if (message.type === 'progress') {
            rows = message.rows;
            hooks.progress?.(rows);
          } else if (message.type === 'rows') {
            rows = message.rows;
            // A client that went away is recorded as not completed.
            finish(!output.destroyed).then(
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
          else reject(new Error(`The export thread stopped (exit code ${code}).`));
        });
      });
      if (completed && !output.writableFinished) await once(output, 'finish').catch(() => undefined);
      if (!finished) await finish(false);
      hooks.progress?.(rows);
      return { rows, completed };
    } catch (error) {
      abandon();
      if (!finished) await finish(false).catch(() => undefined);
      throw error;
    }
  }
}
