import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  campaignEmail,
  campaigns,
  dashboard,
  dispatch,
  ingestion,
  Options,
  pacing,
  queue,
  register,
  Row,
} from './scenarios';
import { BenchDatabase, ROOT } from './support';
import { surveyPage } from './survey-page';

const SCENARIOS: Record<string, (db: BenchDatabase, options: Options) => Promise<Row[]>> = {
  ingestion,
  'survey-page': surveyPage,
  dispatch,
  pacing,
  queue,
  register,
  dashboard,
  campaigns,
  'campaign-email': campaignEmail,
};

const fmt = (n: number | null, digits = 0) =>
  n === null
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(rows: Row[], machine: string, options: Options): string {
  const lines = [
    `Resonance bench — ${machine}${options.quick ? ' — this run quick' : ''}`,
    '',
    '| scenario | baseline | baseline value | Resonance | ratio | target | pass | notes | measured |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.baseline} | ${fmt(r.baselineValue)} ${r.baselineValue === null ? '' : r.unit} | ${fmt(r.value)} ${r.unit} | ${r.ratio === null ? '—' : `${fmt(r.ratio, 2)}×`} | ${r.target} | ${r.pass === null ? 'n/a' : r.pass ? 'yes' : 'no'} | ${r.notes} | ${r.measuredAt?.slice(0, 10) ?? ''}${r.quick ? ' (quick)' : ''} |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * `npm run bench [scenario…] [--quick]`: each scenario runs its baseline and Resonance back to back on
 * the same throwaway, durable PostgreSQL, after a warm-up, three rounds, reporting medians.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const options: Options = { quick: args.includes('--quick') };
  const chosen = args.filter((a) => !a.startsWith('--'));
  const unknown = chosen.filter((c) => !SCENARIOS[c]);
  if (unknown.length) {
    process.stderr.write(
      `Unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`,
    );
    process.exit(2);
  }
  // --report: only rewrite the table from latest.json (no run).
  const names = args.includes('--report') ? [] : chosen.length ? chosen : Object.keys(SCENARIOS);
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const db = names.length ? await BenchDatabase.start() : null;
  const rows: Row[] = [];
  try {
    for (const name of names) {
      process.stderr.write(`… ${name}\n`);
      rows.push(...(await SCENARIOS[name]!(db!, options)).map((row) => ({ ...row, group: name })));
    }
  } finally {
    await db?.stop();
  }
  // Scenarios not run this time keep their last figures (and their own run's date in `measuredAt`).
  const latestJson = join(ROOT, 'bench', 'results', 'latest.json');
  const previous: Row[] = existsSync(latestJson)
    ? ((JSON.parse(readFileSync(latestJson, 'utf8')) as { rows: Row[] }).rows ?? [])
    : [];
  const now = new Date().toISOString();
  const merged = [
    ...rows.map((row) => ({ ...row, measuredAt: now, quick: options.quick })),
    ...previous.filter((row) => row.group && !names.includes(row.group)),
  ].sort((a, b) => Object.keys(SCENARIOS).indexOf(a.group!) - Object.keys(SCENARIOS).indexOf(b.group!));
  const output = table(merged, machine, options);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.md'), `${output}\n`);
  writeFileSync(latestJson, JSON.stringify({ machine, rows: merged }, null, 2));
  process.stdout.write(`${output}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
