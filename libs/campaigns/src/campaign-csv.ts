import { Readable } from 'node:stream';
import { CsvReader, CsvSyntaxError, FieldError } from '@app/core';
import { recipientErrors, RecipientInput } from './recipient';

/** The columns a campaign's CSV may have (`external_id` required, the others in any order, any subset). */
export const CAMPAIGN_CSV_COLUMNS = [
  'external_id',
  'name',
  'phone',
  'email',
  'locale',
  'time_zone',
  'product',
  'segment',
] as const;
type Column = (typeof CAMPAIGN_CSV_COLUMNS)[number];

/** The most rows one file may hold: larger lists go in several campaigns or through the API's pages. */
export const MAX_CAMPAIGN_ROWS = 1_000_000;

const PATH_BY_COLUMN: Record<Column, string> = {
  external_id: 'borrower.externalId',
  name: 'borrower.name',
  phone: 'borrower.phone',
  email: 'borrower.email',
  locale: 'borrower.locale',
  time_zone: 'borrower.timeZone',
  product: 'product',
  segment: 'segment',
};
const COLUMN_BY_PATH = new Map(Object.entries(PATH_BY_COLUMN).map(([column, path]) => [path, column]));

/** A problem with the file as a whole (its encoding, header or size): nothing in it is imported. */
export class CampaignCsvError extends Error {}

export interface CsvLayout {
  encoding: 'utf-8' | 'windows-1251';
  delimiter: ',' | ';';
}

/** One data row: its line in the file and the recipient, or what is wrong with it (named by column). */
export type CsvRow =
  | { line: number; recipient: RecipientInput; errors: [] }
  | { line: number; recipient: null; errors: FieldError[] };

/**
 * How a file is written, from its first bytes: UTF-8 (a BOM is fine) or, when the bytes are not UTF-8,
 * Windows-1251 (what Excel in Russian saves as "CSV"); separated by commas, or by semicolons when the
 * header has them and no commas (Excel's CSV where the decimal separator is a comma).
 */
export function csvLayout(sample: Buffer): CsvLayout {
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))
    throw new CampaignCsvError('The file is in UTF-16: save it as "CSV UTF-8" and try again.');
  let encoding: CsvLayout['encoding'] = 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    encoding = 'windows-1251';
  }
  const text = new TextDecoder(encoding).decode(sample, { stream: true }).replace(/^\uFEFF/, '');
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  return { encoding, delimiter: header.includes(';') && !header.includes(',') ? ';' : ',' };
}

/** The reader's complaint as a whole sentence (each one translated in the console's catalogue). */
function syntaxProblem(error: CsvSyntaxError): string {
  switch (error.message) {
    case 'a quote is opened and never closed':
      return `The file is not a readable CSV: the quote opened on line ${error.line} is never closed.`;
    case 'a quoted field goes on after its closing quote':
      return `The file is not a readable CSV: on line ${error.line} a quoted field goes on after its closing quote.`;
    default:
      return `The file is not a readable CSV: line ${error.line} is longer than 64 KB.`;
  }
}

function headerColumns(cells: string[]): Column[] {
  const names = cells.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const known = new Set<string>(CAMPAIGN_CSV_COLUMNS);
  const expected = CAMPAIGN_CSV_COLUMNS.join(',');
  if (!names.includes('external_id')) {
    throw new CampaignCsvError(
      names.some((n) => known.has(n))
        ? `Line 1 lacks the column external_id; the header is ${expected}.`
        : `Line 1 must be the header ${expected} (the file has no header, or another separator).`,
    );
  }
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new CampaignCsvError(
      `Line 1 names unknown columns (${unknown.slice(0, 5).join(', ').slice(0, 200)}); the header is ${expected}.`,
    );
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new CampaignCsvError(`Line 1 names the column ${repeated} twice.`);
  return names as Column[];
}

function toRecipient(columns: Column[], cells: string[]): Record<string, unknown> {
  const borrower: Record<string, string> = {};
  const recipient: Record<string, unknown> = { borrower };
  columns.forEach((column, i) => {
    const cell = cells[i]?.trim();
    if (!cell) return;
    const path = PATH_BY_COLUMN[column];
    if (path.startsWith('borrower.')) borrower[path.slice('borrower.'.length)] = cell;
    else recipient[path] = cell;
  });
  return recipient;
}

/**
 * The rows of a campaign's CSV, streamed (a million rows take the memory of one): each checked by the
 * same rules as the API's recipients, a borrower seen on an earlier line reported with that line.
 * Problems with the whole file (encoding, header, more than `MAX_CAMPAIGN_ROWS` rows) throw
 * `CampaignCsvError`.
 */
export async function* campaignCsvRows(
  source: Readable,
  layout: CsvLayout,
  maxRows = MAX_CAMPAIGN_ROWS,
): AsyncGenerator<CsvRow> {
  const text = new TextDecoder(layout.encoding, { fatal: true, ignoreBOM: false });
  const reader = new CsvReader(layout.delimiter);
  let columns: Column[] | null = null;
  const seen = new Map<string, number>();
  let rows = 0;
  let offset = 0;

  function* check(records: { line: number; cells: string[] }[]): Generator<CsvRow> {
    for (const { line, cells } of records) {
      if (!columns) {
        columns = headerColumns(cells);
        continue;
      }
      if (++rows > maxRows)
        throw new CampaignCsvError(
          `The file has more than ${maxRows.toLocaleString('en')} rows: split it into several files.`,
        );
      if (cells.length !== columns.length) {
        yield {
          line,
          recipient: null,
          errors: [{ path: '', message: `has ${cells.length} cells where the header has ${columns.length}` }],
        };
        continue;
      }
      const recipient = toRecipient(columns, cells);
      const errors = recipientErrors(recipient).map((e) => ({
        path: COLUMN_BY_PATH.get(e.path) ?? e.path,
        message: e.message,
      }));
      const externalId = (recipient.borrower as { externalId?: string }).externalId;
      if (externalId !== undefined && errors.every((e) => e.path !== 'external_id')) {
        const earlier = seen.get(externalId);
        if (earlier !== undefined)
          errors.push({ path: 'external_id', message: `names a borrower already on line ${earlier}` });
        else seen.set(externalId, line);
      }
      yield errors.length > 0
        ? { line, recipient: null, errors }
        : { line, recipient: recipient as unknown as RecipientInput, errors: [] };
    }
  }

  const decodingFailed = () =>
    new CampaignCsvError(
      `The file is not valid ${layout.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1251'} after byte ${offset}: save it as "CSV UTF-8" and try again.`,
    );
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let decoded: string;
      try {
        decoded = text.decode(chunk, { stream: true });
      } catch {
        throw decodingFailed();
      }
      offset += chunk.length;
      yield* check(reader.push(decoded));
    }
    let rest: string;
    try {
      rest = text.decode();
    } catch {
      throw decodingFailed();
    }
    yield* check([...reader.push(rest), ...reader.end()]);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new CampaignCsvError(syntaxProblem(error));
    throw error;
  } finally {
    source.destroy();
  }
  if (!columns)
    throw new CampaignCsvError(
      `The file is empty: line 1 must be the header ${CAMPAIGN_CSV_COLUMNS.join(',')}.`,
    );
}
