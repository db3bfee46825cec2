import { EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvRow, sheetText } from './csv';
import { onTimeCondition, overdueCondition } from './complaint-deadline';

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
  'received_at',
  'regulator_ref',
  'criteria_met',
  'corrective_action_owner',
  'corrective_action_due_at',
  'corrective_action_status',
  'extension_reason',
] as const;
const DATE_COLUMNS = new Set([
  'registered_at',
  'due_at',
  'extended_due_at',
  'resolved_at',
  'received_at',
  'corrective_action_due_at',
]);
export const ROWS_PER_SHEET = 1_000_000;

export type RegisterFormat = 'csv' | 'xlsx';
export type RegisterLanguage = 'en' | 'ru';
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];
export interface RegisterFilters {
  from: string;
  to: string;
  status?: string;
  classification?: string;
  category?: string;
  channel?: string;
  overdue?: boolean;
}

export type RegisterRow = Record<RegisterColumn, string | null>;

/**
 * How the file speaks: `en` is machine codes under the contract's header; `ru` gives people and the
 * regulator Russian column titles and values (the main thread passes the words in).
 */
export interface RegisterWording {
  header: string[];
  /** Code → words, per column whose values are codes. */
  values: Partial<Record<RegisterColumn, Record<string, string>>>;
}

/** Complaints registered from $1 to $2 (dates, inclusive) in the lender's zone $3. */
export const REGISTER_PERIOD = `c.registered_at >= ($1::date::timestamp AT TIME ZONE $3) AND c.registered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)`;

/**
 * The register's filters after the period, as SQL over alias `c` with parameters from $6 on ($4: the
 * criteria's language key, $5: now). Values are parameters, never text in the SQL.
 */
export function registerWhere(filters: RegisterFilters): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = [REGISTER_PERIOD];
  const add = (column: string, value: string | undefined) => {
    if (value) where.push(`c.${column} = $${params.push(value) + 5}`);
  };
  add('status', filters.status);
  add('classification', filters.classification);
  add('category', filters.category);
  add('received_via', filters.channel);
  if (filters.overdue) where.push(overdueCondition('c', '$5'));
  return { sql: where.join(' AND '), params };
}

const LOCAL = (column: string) => `to_char(${column} AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI')`;

/**
 * The register's rows for a period and filters, in register order. $1, $2: dates; $3: the lender's
 * zone; $4: which text of the criteria (`key` or `ru`); $5: now; filters from $6.
 */
export const registerSql = (where: string) => `SELECT c.register_no,
                  to_char(c.registered_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS registered_at,
                  c.received_via, coalesce(c.touchpoint, e.touchpoint) AS touchpoint, coalesce(c.product, e.product) AS product, b.external_id AS borrower_external_id, b.name AS borrower_name,
                  s.key AS survey, r.score::text AS score, r.comment, c.category, c.substance, c.status, c.classification, c.root_cause,
                  c.response_type, c.redress, c.resolution, c.corrective_action, hu.name AS handled_by, ru.name AS reviewed_by,
                  to_char(c.due_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS due_at,
                  to_char(c.extended_due_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS extended_due_at,
                  to_char(c.resolved_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS resolved_at,
                  CASE WHEN c.resolved_at IS NULL THEN NULL WHEN ${onTimeCondition('c')} THEN 'yes' ELSE 'no' END AS on_time,
                  e.external_id AS event_external_id,
                  ${LOCAL('c.received_at')} AS received_at, c.regulator_ref,
                  (SELECT string_agg(j ->> $4::text, '; ') FROM jsonb_array_elements(c.criteria_judged) j) AS criteria_met,
                  c.corrective_action_owner, ${LOCAL('c.corrective_action_due_at')} AS corrective_action_due_at,
                  c.corrective_action_status, c.extension_reason
             FROM complaint c
             JOIN borrower b ON b.id = c.borrower_id
             LEFT JOIN callback_task t ON t.id = c.task_id
             LEFT JOIN response r ON r.id = t.response_id
             LEFT JOIN invitation i ON i.id = r.invitation_id
             LEFT JOIN contact_event e ON e.id = coalesce(c.contact_event_id, i.contact_event_id)
             LEFT JOIN survey s ON s.id = r.survey_id
             LEFT JOIN staff_user hu ON hu.id = c.registered_by
             LEFT JOIN staff_user ru ON ru.id = c.reviewer_id
            WHERE ${where} AND $5::timestamptz IS NOT NULL
            ORDER BY c.registered_at, c.register_year, c.register_seq`;

export interface RowWriter {
  start(): Promise<void>;
  row(row: RegisterRow): Promise<void>;
  end(): Promise<void>;
}

async function write(output: Writable, chunk: string | Buffer): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}

/** The row's codes in the wording's words (a code without words stays as it is). */
function worded(row: RegisterRow, wording: RegisterWording | null): RegisterRow {
  if (!wording) return row;
  for (const [column, words] of Object.entries(wording.values) as [
    RegisterColumn,
    Record<string, string>,
  ][]) {
    const value = row[column];
    if (value !== null && value !== undefined) row[column] = words[value] ?? value;
  }
  return row;
}

export function csvWriter(output: Writable, wording: RegisterWording | null = null): RowWriter {
  let buffer = '';
  return {
    start: () => write(output, `\uFEFF${csvRow(wording?.header ?? [...REGISTER_COLUMNS])}`),
    row: async (raw) => {
      const row = worded(raw, wording);
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

export function xlsxWriter(output: Writable, wording: RegisterWording | null = null): RowWriter {
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
    sheet.columns = REGISTER_COLUMNS.map((c, i) => {
      const header = wording?.header[i] ?? c;
      return DATE_COLUMNS.has(c)
        ? { header, key: c, width: 17, style: DATE_STYLE }
        : { header, key: c, width: 18 };
    });
    inSheet = 0;
  };
  return {
    start: async () => newSheet(),
    row: async (raw) => {
      const row = worded(raw, wording);
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
