import { EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvRow, sheetText } from './csv';

// A table's file formats. Loaded by the export worker thread too, so only relative imports here.

export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx'];
export const ROWS_PER_SHEET = 1_000_000;

/** What a file holds: its columns in order, which of them are local dates or numbers, and the sheet's name. */
export interface TableShape {
  columns: readonly string[];
  /** Columns holding "YYYY-MM-DD HH:MM" in the lender's zone: date cells in XLSX. */
  dates?: readonly string[];
  /** Columns holding numbers: number cells in XLSX. */
  numbers?: readonly string[];
  sheet: string;
}

export type TableRow = Record<string, string | null>;

/**
 * How the file speaks: absent, machine codes under the column names; present, people's titles and
 * values (the main thread passes the words in).
 */
export interface TableWording {
  header: string[];
  /** Code → words, per column whose values are codes. */
  values: Record<string, Record<string, string>>;
}

export interface RowWriter {
  start(): Promise<void>;
  row(row: TableRow): Promise<void>;
  end(): Promise<void>;
}

async function write(output: Writable, chunk: string | Buffer): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}

/** The row's codes in the wording's words (a code without words stays as it is). */
function worded(row: TableRow, wording: TableWording | null): TableRow {
  if (!wording) return row;
  for (const [column, words] of Object.entries(wording.values)) {
    const value = row[column];
    if (value !== null && value !== undefined) row[column] = words[value] ?? value;
  }
  return row;
}

/** UTF-8 with a BOM (Excel reads it as UTF-8), RFC 4180, the formula guard on every text cell. */
export function csvWriter(
  output: Writable,
  shape: TableShape,
  wording: TableWording | null = null,
): RowWriter {
  let buffer = '';
  return {
    start: () => write(output, `\uFEFF${csvRow(wording?.header ?? [...shape.columns])}`),
    row: async (raw) => {
      const row = worded(raw, wording);
      buffer += csvRow(shape.columns.map((c) => row[c]));
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
  const [hh, mm] = (time ?? '00:00').split(':').map(Number);
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

/**
 * exceljs' streaming writer: string, number and date cells (never formulas), no shared strings, a new
 * sheet every 1,000,000 rows, and backpressure from the zip's deflate stream and the output.
 */
export function xlsxWriter(
  output: Writable,
  shape: TableShape,
  wording: TableWording | null = null,
): RowWriter {
  const dates = new Set(shape.dates ?? []);
  const numbers = new Set(shape.numbers ?? []);
  const styles = shape.columns.map((c) => (dates.has(c) ? DATE_STYLE : PLAIN_STYLE));
  // Fast deflate (level 1): an export is read once; the default level costs more time than the bytes it saves.
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
    sheet = workbook.addWorksheet(sheets === 1 ? shape.sheet : `${shape.sheet} ${sheets}`);
    // A style only where it matters (dates): every styled cell costs exceljs a style lookup.
    sheet.columns = shape.columns.map((c, i) => {
      const header = wording?.header[i] ?? c;
      return dates.has(c) ? { header, key: c, width: 17, style: DATE_STYLE } : { header, key: c, width: 18 };
    });
    inSheet = 0;
  };
  return {
    start: async () => newSheet(),
    row: async (raw) => {
      const row = worded(raw, wording);
      if (inSheet >= ROWS_PER_SHEET) newSheet();
      const values = shape.columns.map((c) => {
        const value = row[c];
        if (value === null || value === undefined) return null;
        if (dates.has(c)) return localDate(value);
        if (numbers.has(c)) return Number(value);
        // Strings only, with the formula guard: a cell is never a formula.
        return sheetText(value);
      });
      const added = sheet!.addRow(values);
      // One shared style object per column: exceljs caches a style's id by object identity, and the fresh
      // object it gives every cell would otherwise be serialised and looked up again for each (half its time).
      for (let i = 0; i < styles.length; i++) added.getCell(i + 1).style = styles[i]!;
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

/** The words for one kind of code out of a locale's flat strings: `{prefix}{code}` → words, keyed by code. */
export function wordsUnder(strings: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(strings)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}
