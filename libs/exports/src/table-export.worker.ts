import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import QueryStream from 'pg-query-stream';
import { csvWriter, ExportFormat, TableRow, TableShape, TableWording, xlsxWriter } from './table-format';

// The export worker thread: its own connection, cursor and file writer, in a heap of its
// own, so a million-row export neither grows the API's heap nor holds its event loop. The file leaves
// in chunks, each acknowledged by the main thread once the client has taken it (backpressure end to end).

export interface ExportJob {
  databaseUrl: string;
  /** The worker's connection name in pg_stat_activity. */
  name: string;
  format: ExportFormat;
  /** The rows, in file order (code, never input: values arrive only as parameters). */
  sql: string;
  params: unknown[];
  shape: TableShape;
  wording: TableWording | null;
}

/** Messages to the main thread. */
export type ExportWorkerMessage =
  | { type: 'chunk'; data: Uint8Array }
  | { type: 'progress'; rows: number }
  /** Every row is written; the worker waits for 'finish' (after the audit) before closing the file. */
  | { type: 'rows'; rows: number }
  | { type: 'done' };
/** Messages from the main thread. */
export type ExportMainMessage = 'credit' | 'finish';

/** Chunks in flight before the worker waits for the main thread to pass one on. */
export const CHUNK_WINDOW = 4;

async function run(job: ExportJob): Promise<void> {
  const port = parentPort!;
  const send = (message: ExportWorkerMessage, transfer?: ArrayBuffer[]) =>
    port.postMessage(message, transfer);
  let credit = CHUNK_WINDOW;
  let blocked: (() => void) | null = null;
  let finish!: () => void;
  const finishing = new Promise<void>((resolve) => (finish = resolve));
  const onMessage = (message: ExportMainMessage) => {
    if (message === 'credit') {
      credit += 1;
      const resume = blocked;
      blocked = null;
      resume?.();
    } else if (message === 'finish') finish();
  };
  port.on('message', onMessage);
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      const data = new Uint8Array(chunk); // a copy: the chunk may be a view of a pooled buffer
      send({ type: 'chunk', data }, [data.buffer]);
      credit -= 1;
      if (credit > 0) callback();
      else blocked = () => callback();
    },
  });

  const client = new Client({ connectionString: job.databaseUrl, application_name: job.name });
  await client.connect();
  try {
    // XLSX spends ~30 µs a row in exceljs: rows fetched 1000 at a time outlive young-generation
    // collections and get promoted, growing the heap; 100 at a time they die young.
    const rows = client.query(
      new QueryStream(job.sql, job.params, { batchSize: job.format === 'csv' ? 1000 : 100 }),
    );
    const writer =
      job.format === 'csv'
        ? csvWriter(sink, job.shape, job.wording)
        : xlsxWriter(sink, job.shape, job.wording);
    await writer.start();
    let count = 0;
    for await (const row of rows as AsyncIterable<TableRow>) {
      await writer.row(row);
      count += 1;
      if (count % 1000 === 0) send({ type: 'progress', rows: count });
    }
    send({ type: 'rows', rows: count });
    await finishing;
    await writer.end();
    send({ type: 'done' });
  } finally {
    // off(), not removeAllListeners(): only off() unrefs the port, letting the thread exit.
    port.off('message', onMessage);
    await client.end();
  }
}

if (parentPort)
  void run(workerData as ExportJob).catch((error: unknown) => {
    // Rethrown outside the promise: the main thread receives it as the worker's 'error' event.
    setImmediate(() => {
      throw error;
    });
  });
