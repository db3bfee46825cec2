import { EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvRow, sheetText } from './csv';
import { onTimeCondition } from './complaint-deadline';

// The register's file formats. Loaded by the export worker thread too, so only relative imports here.

/** The register's columns, in the contract's order. */
export const REGISTER_COLUMNS = [
  'register_no',
  'registered_at',
  'received_via',
  'touchpoint',
  'product',
  'borrower_external_id',
  'borrower_name',
  'survey',
  'score',
  'comment',
  'category',
  'substance',
  'status',
  'classification',
  'root_cause',
  'response_type',
  'redress',
  'resolution',
  'corrective_action',
  'handled_by',
  'reviewed_by',
  'due_at',
  'extended_due_at',
  'resolved_at',
  'on_time',
  'event_external_id',
] as const;
const DATE_COLUMNS = new Set(['registered_at', 'due_at', 'extended_due_at', 'resolved_at']);
export const ROWS_PER_SHEET = 1_000_000;

export type RegisterFormat = 'csv' | 'xlsx';
export interface RegisterFilters {
  from: string;
  to: string;
}

export type RegisterRow = Record<(typeof REGISTER_COLUMNS)[number], string | null>;

/** Complaints registered from $1 to $2 (dates, inclusive) in the lender's zone $3. */
export const REGISTER_PERIOD = `c.registered_at >= ($1::date::timestamp AT TIME ZONE $3) AND c.registered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)`;

/** The register's rows for a period ($1, $2: dates; $3: the lender's zone), in register order. */
export const REGISTER_SQL = `SELECT c.register_no,
                  to_char(c.registered_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS registered_at,
                  c.received_via, e.touchpoint, e.product, b.external_id AS borrower_external_id, b.name AS borrower_name,
                  s.key AS survey, r.score::text AS score, r.comment, c.category, c.substance, c.status, c.classification, c.root_cause,
                  c.response_type, c.redress, c.resolution, c.corrective_action, hu.name AS handled_by, ru.name AS reviewed_by,
                  to_char(c.due_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS due_at,
                  to_char(c.extended_due_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS extended_due_at,
                  to_char(c.resolved_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS resolved_at,
                  CASE WHEN c.resolved_at IS NULL THEN NULL WHEN ${onTimeCondition('c')} THEN 'yes' ELSE 'no' END AS on_time,
                  e.external_id AS event_external_id
             FROM complaint c
             JOIN borrower b ON b.id = c.borrower_id
             LEFT JOIN callback_task t ON t.id = c.task_id
             LEFT JOIN response r ON r.id = t.response_id
             LEFT JOIN invitation i ON i.id = r.invitation_id
             LEFT JOIN contact_event e ON e.id = i.contact_event_id
             LEFT JOIN survey s ON s.id = r.survey_id
             LEFT JOIN staff_user hu ON hu.id = c.registered_by
             LEFT JOIN staff_user ru ON ru.id = c.reviewer_id
            WHERE ${REGISTER_PERIOD}
            ORDER BY c.registered_at, c.register_year, c.register_seq`;

export interface RowWriter {
  start(): Promise<void>;
  row(row: RegisterRow): Promise<void>;
  end(): Promise<void>;
}

async function write(output: Writable, chunk: string | Buffer): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}

export function csvWriter(output: Writable): RowWriter {
  let buffer = '';
  return {
    start: () => write(output, `\uFEFF${csvRow([...REGISTER_COLUMNS])}`),
    row: async (row) => {
      buffer += csvRow(REGISTER_COLUMNS.map((c) => row[c]));
      if (buffer.length > 64 * 1024) {
        const chunk = buffer;
        buffer = '';
        await write(output, chunk);
      }
    },
    end: async () => {
      if (buffer) await write(output, buffer);
      output.end();
      await once(output, 'finish').catch(() => undefined);
    },
  };
}

/** "YYYY-MM-DD HH:MM" in the lender's zone, as the wall-clock date Excel shows (Excel dates have no zone). */
function localDate(text: string): Date {
  const [date, time] = text.split(' ');
  const [y, m, d] = date!.split('-').map(Number);
  const [hh, mm] = time!.split(':').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!, hh!, mm!));
}

type ZipInput = EventEmitter & { _writableState?: { needDrain?: boolean } };

/**
 * The stream exceljs pipes a sheet's XML into (the zip entry's input, a readable-stream PassThrough of
 * archiver's, not a Node Writable), once the zip has opened the entry.
 */
function zipInput(sheet: ExcelJS.Worksheet): ZipInput | null {
  const pipes = (sheet as unknown as { _stream?: { pipes?: ZipInput[] } })._stream?.pipes;
  return pipes?.[0] ?? null;
}

const DATE_STYLE: Partial<ExcelJS.Style> = { numFmt: 'yyyy-mm-dd hh:mm' };
const PLAIN_STYLE: Partial<ExcelJS.Style> = {};
const CELL_STYLES = REGISTER_COLUMNS.map((c) => (DATE_COLUMNS.has(c) ? DATE_STYLE : PLAIN_STYLE));

export function xlsxWriter(output: Writable): RowWriter {
  // Fast deflate (level 1): the register is read once; the default level costs more time than the bytes it saves.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: true,
    zip: { zlib: { level: 1 } },
  } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
  let sheet: ExcelJS.Worksheet | null = null;
  let inSheet = 0;
  let sheets = 0;
  const newSheet = () => {
    sheet?.commit();
    sheets += 1;
    sheet = workbook.addWorksheet(sheets === 1 ? 'Register' : `Register ${sheets}`);
    // A style only where it matters (dates): every styled cell costs exceljs a style lookup.
    sheet.columns = REGISTER_COLUMNS.map((c) =>
      DATE_COLUMNS.has(c)
        ? { header: c, key: c, width: 17, style: DATE_STYLE }
        : { header: c, key: c, width: 18 },
    );
    inSheet = 0;
  };
  return {
    start: async () => newSheet(),
    row: async (row) => {
      if (inSheet >= ROWS_PER_SHEET) newSheet();
      const values = REGISTER_COLUMNS.map((c) => {
        const value = row[c];
        if (value === null || value === undefined) return null;
        if (DATE_COLUMNS.has(c)) return localDate(value);
        if (c === 'score') return Number(value);
        // Strings only, with the formula guard: a cell is never a formula.
        return sheetText(value);
      });
      const added = sheet!.addRow(values);
      // One shared style object per column: exceljs caches a style's id by object identity, and the fresh
      // object it gives every cell would otherwise be serialised and looked up again for each (half its time).
      for (let i = 0; i < CELL_STYLES.length; i++) added.getCell(i + 1).style = CELL_STYLES[i]!;
      inSheet += 1;
      // Committing flushes a row and every one before it; doing it per 100 rows is cheaper and still flat.
      if (inSheet % 100 === 0) {
        added.commit();
        // exceljs hands sheet XML to the zip's deflate stream without waiting for it; wait here instead,
        // or the XML piles up in memory faster than it is compressed.
        const zipped = zipInput(sheet!);
        if (zipped?._writableState?.needDrain) await once(zipped, 'drain');
        if (output.writableNeedDrain) await once(output, 'drain');
      }
    },
    end: async () => {
      sheet?.commit();
      await workbook.commit();
    },
  };
}
