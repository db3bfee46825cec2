import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import {
  CAMPAIGN_CSV_COLUMNS,
  CampaignCsvError,
  campaignCsvRows,
  csvLayout,
  CsvLayout,
  RECIPIENTS_PER_CALL,
  RecipientInput,
  RecipientSkip,
  RunCampaigns,
} from '@app/campaigns';
import { Actor } from '@app/audit';
import { progressBar } from './progress-bar';

/** How many bad rows the report lists in full (the count is always given). */
const LISTED_BAD_ROWS = 50;

export interface CampaignImportOptions {
  name: string;
  survey: string;
  file: string;
  start?: string;
  spreadDays?: string;
  externalId?: string;
  skipBadRows: boolean;
}

export class CampaignImportError extends Error {}

async function sampleOf(file: string): Promise<Buffer> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CampaignImportError(
      `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code}`,
    );
  });
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads the file through, counting bytes for the bar and hashing them for the campaign's default id. */
function rowsOf(
  file: string,
  layout: CsvLayout,
  onBytes: (bytes: number) => void,
  hash?: ReturnType<typeof createHash>,
) {
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    hash?.update(chunk as Buffer);
    onBytes(bytes);
  });
  return campaignCsvRows(stream, layout);
}

/**
 * `campaign:import`: the file is checked whole first (every bad row listed by line, nothing imported
 * unless told to skip them), then sent in pages of 10,000. The campaign's id defaults to the file's
 * digest, so running the same import again replays it instead of inviting anyone twice.
 */
export async function importCampaign(
  campaigns: RunCampaigns,
  actor: Actor,
  options: CampaignImportOptions,
): Promise<string[]> {
  if (!/^\d{1,2}$/.test(options.spreadDays ?? '0'))
    throw new CampaignImportError('--spread-days must be a whole number from 0 to 30');
  const spreadDays = Number(options.spreadDays ?? 0);
  const { size } = await stat(options.file).catch(() => {
    throw new CampaignImportError(`Cannot read ${options.file}: no such file`);
  });
  let format: CsvLayout;
  try {
    format = csvLayout(await sampleOf(options.file));
  } catch (error) {
    if (error instanceof CampaignCsvError) throw new CampaignImportError(error.message);
    throw error;
  }
  const described = `${format.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1251'}, separated by ${format.delimiter === ',' ? 'commas' : 'semicolons'}`;
  process.stderr.write(`Reading ${options.file} (${described}).\n`);

  // Pass 1: every row checked; nothing is sent until the whole file is known to be good.
  const digest = createHash('sha256');
  const checking = progressBar('Checking ', size, 'bytes');
  const bad: string[] = [];
  let badCount = 0;
  let good = 0;
  try {
    for await (const row of rowsOf(options.file, format, (bytes) => checking(bytes), digest)) {
      if (row.recipient) good++;
      else {
        badCount++;
        if (bad.length < LISTED_BAD_ROWS)
          bad.push(
            `  line ${row.line}: ${row.errors.map((e) => `${e.path ? `${e.path} ` : ''}${e.message}`).join('; ')}`,
          );
      }
    }
  } catch (error) {
    if (error instanceof CampaignCsvError)
      throw new CampaignImportError(`${error.message} Nothing was imported.`);
    throw error;
  }
  checking(size, true);
  if (badCount > 0 && !options.skipBadRows) {
    throw new CampaignImportError(
      [
        `${badCount.toLocaleString('en-US')} of ${(good + badCount).toLocaleString('en-US')} rows cannot be imported; nothing was imported:`,
        ...bad,
        ...(badCount > bad.length ? [`  … and ${(badCount - bad.length).toLocaleString('en-US')} more`] : []),
        `Fix them, or pass --skip-bad-rows to import the other ${good.toLocaleString('en-US')}.`,
      ].join('\n'),
    );
  }
  if (good === 0)
    throw new CampaignImportError(
      `The file has no rows to import (the header is ${CAMPAIGN_CSV_COLUMNS.join(',')}).`,
    );

  const externalId = options.externalId ?? `csv-${digest.digest('hex').slice(0, 32)}`;
  const created = await campaigns.create(actor, {
    externalId,
    name: options.name,
    survey: options.survey,
    ...(options.start ? { startAt: options.start } : {}),
    spreadDays,
    recipients: [],
  });
  const id = created.body.id;

  // Pass 2: the good rows in pages; a page already sent (an import run again) comes back as duplicates.
  const importing = progressBar('Importing', good, 'rows');
  const skipped: Partial<Record<RecipientSkip, number>> = {};
  let accepted = 0;
  let sent = 0;
  let page: RecipientInput[] = [];
  const flush = async () => {
    if (page.length === 0) return;
    const outcome = await campaigns.addRecipients(actor, id, page);
    accepted += outcome.accepted;
    for (const [reason, n] of Object.entries(outcome.skipped))
      skipped[reason as RecipientSkip] = (skipped[reason as RecipientSkip] ?? 0) + (n ?? 0);
    sent += page.length;
    page = [];
    importing(sent);
  };
  for await (const row of rowsOf(options.file, format, () => undefined)) {
    if (!row.recipient) continue;
    page.push(row.recipient);
    if (page.length === RECIPIENTS_PER_CALL) await flush();
  }
  await flush();
  importing(sent, true);

  const skips = Object.entries(skipped)
    .map(([reason, n]) => `${reason} ${n!.toLocaleString('en-US')}`)
    .join(', ');
  return [
    `${created.outcome === 'created' ? 'Created' : 'Continued'} campaign ${id} "${options.name}" (externalId ${externalId}).`,
    `${sent.toLocaleString('en-US')} rows: ${accepted.toLocaleString('en-US')} invited${skips ? `, skipped: ${skips}` : ''}${badCount ? `; ${badCount.toLocaleString('en-US')} bad rows left out` : ''}.`,
    spreadDays > 0
      ? `Sends are spread over ${spreadDays} day(s) within quiet hours. Follow it with GET /api/v1/campaigns/${id}.`
      : `Sends go out as fast as pacing allows, within quiet hours. Follow it with GET /api/v1/campaigns/${id}.`,
  ];
}
