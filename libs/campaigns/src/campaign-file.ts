import { Readable } from 'node:stream';
import { CampaignCsvError, campaignCsvRows, csvLayout, CsvLayout } from './campaign-csv';
import { CsvCheck, RECIPIENTS_PER_CALL } from './campaign.model';
import { RecipientInput } from './recipient';

/** How many bad rows a check lists in full (the count is always given). */
export const LISTED_BAD_ROWS = 50;

/** A campaign file that can be read more than once (checked first, then sent): a path or the bytes. */
export interface CampaignFile {
  /** Its first bytes, for the encoding and the separator. */
  sample(): Promise<Buffer>;
  open(): Readable;
}

export async function layoutOf(file: CampaignFile): Promise<CsvLayout> {
  return csvLayout(await file.sample());
}

/** Every row checked; nothing is sent. A problem with the whole file throws `CampaignCsvError`. */
export async function checkCampaignFile(file: CampaignFile, layout: CsvLayout): Promise<CsvCheck> {
  const check: CsvCheck = { ...layout, rows: 0, good: 0, bad: 0, badRows: [] };
  for await (const row of campaignCsvRows(file.open(), layout)) {
    check.rows++;
    if (row.recipient) check.good++;
    else {
      check.bad++;
      if (check.badRows.length < LISTED_BAD_ROWS) check.badRows.push({ line: row.line, errors: row.errors });
    }
  }
  return check;
}

/** The good rows of a checked file, in pages of up to 10,000. */
export async function* recipientPages(
  file: CampaignFile,
  layout: CsvLayout,
): AsyncGenerator<RecipientInput[]> {
  let page: RecipientInput[] = [];
  for await (const row of campaignCsvRows(file.open(), layout)) {
    if (!row.recipient) continue;
    page.push(row.recipient);
    if (page.length === RECIPIENTS_PER_CALL) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

export { CampaignCsvError };
