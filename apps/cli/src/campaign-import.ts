import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import {
  CAMPAIGN_CSV_COLUMNS,
  CampaignCsvError,
  CampaignFile,
  checkCampaignFile,
  CsvLayout,
  layoutOf,
  RunCampaigns,
} from '@app/campaigns';
import { Actor } from '@app/audit';
import { progressBar } from './progress-bar';

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

/** A file on disk, read in 256 KB chunks; `onChunk` hears each (the bar counts them, a digest hashes them). */
function diskFile(path: string, onChunk: (chunk: Buffer) => void = () => undefined): CampaignFile {
  return {
    async sample() {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    open() {
      const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
      stream.on('data', (chunk) => onChunk(chunk as Buffer));
      return stream;
    },
  };
}

const number = (n: number) => n.toLocaleString('en-US');

/**
 * `campaign:import`: the file is checked whole first (every bad row listed by line, nothing imported
 * unless told to skip them), then sent in pages of 10,000. The campaign's id defaults to the file's
 * digest, so running the same import again continues it instead of inviting anyone twice.
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

  const digest = createHash('sha256');
  let read = 0;
  const checking = progressBar('Checking ', size, 'bytes');
  const file = diskFile(options.file, (chunk) => {
    digest.update(chunk);
    checking((read += chunk.length));
  });
  let layout: CsvLayout;
  let check: Awaited<ReturnType<typeof checkCampaignFile>>;
  try {
    layout = await layoutOf(file);
    process.stderr.write(
      `Reading ${options.file} (${layout.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1251'}, separated by ${layout.delimiter === ',' ? 'commas' : 'semicolons'}).\n`,
    );
    check = await checkCampaignFile(file, layout);
  } catch (error) {
    if (error instanceof CampaignCsvError)
      throw new CampaignImportError(`${error.message} Nothing was imported.`);
    throw error;
  }
  checking(size, true);
  if (check.bad > 0 && !options.skipBadRows) {
    throw new CampaignImportError(
      [
        `${number(check.bad)} of ${number(check.rows)} rows cannot be imported; nothing was imported:`,
        ...check.badRows.map(
          (row) =>
            `  line ${row.line}: ${row.errors.map((e) => `${e.path ? `${e.path} ` : ''}${e.message}`).join('; ')}`,
        ),
        ...(check.bad > check.badRows.length
          ? [`  … and ${number(check.bad - check.badRows.length)} more`]
          : []),
        `Fix them, or pass --skip-bad-rows to import the other ${number(check.good)}.`,
      ].join('\n'),
    );
  }
  if (check.good === 0)
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
  const importing = progressBar('Importing', check.good, 'rows');
  const totals = await campaigns.addFile(actor, id, diskFile(options.file), layout, (rows) =>
    importing(rows),
  );
  importing(totals.rows, true);

  const skips = Object.entries(totals.skipped)
    .map(([reason, n]) => `${reason} ${number(n!)}`)
    .join(', ');
  return [
    `${created.outcome === 'created' ? 'Created' : 'Continued'} campaign ${id} "${options.name}" (externalId ${externalId}).`,
    `${number(totals.rows)} rows: ${number(totals.accepted)} invited${skips ? `, skipped: ${skips}` : ''}${check.bad ? `; ${number(check.bad)} bad rows left out` : ''}.`,
    spreadDays > 0
      ? `Sends are spread over ${spreadDays} day(s) within quiet hours. Follow it with GET /api/v1/campaigns/${id}.`
      : `Sends go out as fast as pacing allows, within quiet hours. Follow it with GET /api/v1/campaigns/${id}.`,
  ];
}
