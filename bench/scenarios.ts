import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import twilio from 'twilio';
import { daytimeZone } from '../test/support/daytime';
import {
  APP_SECRET,
  BenchDatabase,
  createApiKey,
  load,
  median,
  pgbench,
  ROOT,
  sql,
  startProcess,
} from './support';

export interface Row {
  scenario: string;
  baseline: string;
  baselineValue: number | null;
  value: number;
  unit: string;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  notes: string;
  /** The scenario that produced the row (set by the runner). */
  group?: string;
  measuredAt?: string;
  quick?: boolean;
}

export interface Options {
  quick: boolean;
}

const ROUNDS = 3;
let phoneCounter = 0;

/** Borrowers live where it is daytime now (10:00–19:00): quiet hours hold no survey back, whenever the bench runs. */
const BORROWER_ZONE = daytimeZone();

function event(): Record<string, unknown> {
  phoneCounter += 1;
  return {
    externalId: `bench-${randomUUID()}`,
    occurredAt: new Date(Date.now() - 3600_000).toISOString(),
    touchpoint: 'call',
    product: 'PDL',
    borrower: {
      externalId: `bb-${randomUUID()}`,
      phone: `+7999${String(1_000_000 + (phoneCounter % 8_999_999)).padStart(7, '0')}`,
      timeZone: BORROWER_ZONE,
    },
  };
}

/**
 * The SQL one single-event ingestion runs (RecordContactEvents) for a new borrower, for pgbench at the
 * same client count: five round trips, as there (BEGIN with the advisory locks as one request, the
 * borrower insert with the replay check, the borrower read, the write, COMMIT).
 */
const INGESTION_SQL = `
\\set n random(1, 1000000000000)
\\set ke random(-4000000000000000000, 4000000000000000000)
\\set kb random(-4000000000000000000, 4000000000000000000)
BEGIN \\; SELECT count(pg_advisory_xact_lock(k)) FROM unnest(ARRAY[least(:ke, :kb), greatest(:ke, :kb)]::bigint[]) AS k;
WITH created AS (INSERT INTO borrower (external_id, name, phone, email, locale, time_zone) SELECT 'pgb-b-' || :n, NULL, '+79991234567', NULL, 'ru', 'Europe/Moscow' WHERE NOT EXISTS (SELECT 1 FROM contact_event c WHERE c.external_id = 'pgb-e-' || :n) ON CONFLICT (external_id) DO NOTHING) SELECT external_id, body_hash, outcome FROM contact_event WHERE external_id = ANY(ARRAY['pgb-e-' || :n]);
SELECT id, external_id, name, phone, email, locale, time_zone, sms_opted_out_at IS NOT NULL, email_opted_out_at IS NOT NULL, EXISTS (SELECT 1 FROM invitation i WHERE i.borrower_id = borrower.id AND i.created_at > now() - interval '7 days' AND i.status NOT IN ('cancelled', 'failed')) FROM borrower WHERE external_id = ANY(ARRAY['pgb-b-' || :n]) ORDER BY external_id;
WITH events AS (INSERT INTO contact_event (id, external_id, borrower_id, touchpoint, product, occurred_at, attributes, body_hash, outcome, received_at) SELECT gen_random_uuid(), 'pgb-e-' || :n, id, 'call', 'PDL', now(), '{}', sha256(('x' || :n)::bytea), '{"eventId":"x"}', now() FROM borrower WHERE external_id = 'pgb-b-' || :n ON CONFLICT (external_id) DO NOTHING RETURNING id, borrower_id), invitations AS (INSERT INTO invitation (id, contact_event_id, survey_id, survey_version, borrower_id, channel, locale, token_hash, send_at, expires_at, next_attempt_at, created_at) SELECT gen_random_uuid(), e.id, (SELECT id FROM survey WHERE key = 'csi_service' AND is_current), 1, e.borrower_id, 'sms', 'ru', sha256(('t' || :n)::bytea), now(), now() + interval '3 days', now(), now() FROM events e RETURNING id) SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM invitations), pg_notify('resonance_invitation_due', '');
COMMIT;
`;

export async function ingestion(db: BenchDatabase, options: Options): Promise<Row[]> {
  const url = await db.create('bench_ingestion');
  const key = await createApiKey(url);
  const api = await startProcess('api', { DATABASE_URL: url });
  const seconds = options.quick ? 4 : 10;
  const headers = { authorization: `Bearer ${key}` };
  try {
    await load({
      url: `${api.baseUrl}/api/v1/contact-events`,
      connections: 8,
      seconds: 2,
      headers,
      body: () => JSON.stringify(event()),
    });
    const baseline: number[] = [];
    const single: { rps: number; p99: number; errors: number }[] = [];
    const batch: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const tps = await pgbench(url, INGESTION_SQL, 8, seconds);
      if (tps !== null) baseline.push(tps);
      const r = await load({
        url: `${api.baseUrl}/api/v1/contact-events`,
        connections: 8,
        seconds,
        headers,
        body: () => JSON.stringify(event()),
      });
      single.push({ rps: r.rps, p99: r.p99, errors: r.errors + r.non2xx });
      const b = await load({
        url: `${api.baseUrl}/api/v1/contact-events/batch`,
        connections: 4,
        seconds,
        headers,
        body: () => JSON.stringify({ events: Array.from({ length: 500 }, event) }),
      });
      batch.push(b.rps * 500);
    }
    const singleRps = median(single.map((s) => s.rps));
    const p99 = median(single.map((s) => s.p99));
    const base = baseline.length ? median(baseline) : null;
    const batchRate = median(batch);
    return [
      {
        scenario: 'event ingestion, single (8 clients)',
        baseline: 'pgbench, same SQL, 8 clients',
        baselineValue: base,
        value: singleRps,
        unit: 'events/s',
        ratio: base ? singleRps / base : null,
        target: '≥ 0.5×, p99 < 50 ms',
        pass: base ? singleRps / base >= 0.5 && p99 < 50 : null,
        notes: `p99 ${p99} ms; rounds ${single.map((s) => Math.round(s.rps)).join('/')}; errors ${single.reduce((a, s) => a + s.errors, 0)}`,
      },
      {
        scenario: 'event ingestion, batch of 500 (4 clients)',
        baseline: 'single-event rate',
        baselineValue: singleRps,
        value: batchRate,
        unit: 'events/s',
        ratio: batchRate / singleRps,
        target: '≥ 5×',
        pass: batchRate / singleRps >= 5,
        notes: `rounds ${batch.map(Math.round).join('/')}`,
      },
    ];
  } finally {
    await api.stop();
  }
}

async function startStub(env: Record<string, string> = {}): Promise<{
  port: number;
  stats(): Promise<{ count: number; distinctTo: number; rejected429: number; first: number; last: number }>;
  stop(): void;
}> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'bench', 'twilio-stub.main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (c: Buffer) => resolve(c.toString())),
  );
  const { port, controlPort } = JSON.parse(line) as { port: number; controlPort: number };
  return {
    port,
    stats: async () => (await fetch(`http://127.0.0.1:${controlPort}`)).json() as never,
    stop: () => child.kill(),
  };
}

const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'test-twilio-auth-token',
  TWILIO_FROM: '+15005550006',
};

/** Schedules `count` SMS invitations due now, through the API's batch endpoint. */
async function scheduleSms(baseUrl: string, key: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    const events = Array.from({ length: Math.min(500, count - done) }, event);
    const response = await fetch(`${baseUrl}/api/v1/contact-events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ events }),
    });
    if (!response.ok) throw new Error(`batch failed: ${response.status}`);
  }
}

async function waitUntilSent(url: string, count: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [row] = await sql(url, `SELECT count(*)::int AS n FROM invitation WHERE status = 'sent'`);
    if ((row!.n as number) >= count) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`only ${row!.n} of ${count} sent`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What the `twilio` SDK alone sends to the stub with 8 requests in flight and the worker's client
 * options: the ceiling of any dispatch that uses it, shown beside the stub's raw intake.
 */
async function twilioSdkRate(port: number, seconds: number): Promise<number> {
  const client = twilio(TWILIO.TWILIO_ACCOUNT_SID, TWILIO.TWILIO_AUTH_TOKEN, {
    timeout: 15_000,
    autoRetry: false,
    keepAlive: true,
    maxSockets: 32,
  });
  client.api.baseUrl = `http://127.0.0.1:${port}`;
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < until) {
        await client.messages.create({ to: '+79991234567', from: TWILIO.TWILIO_FROM, body: 'bench' });
        sent += 1;
      }
    }),
  );
  return sent / ((performance.now() - started) / 1000);
}

export async function dispatch(db: BenchDatabase, options: Options): Promise<Row[]> {
  const count = options.quick ? 2000 : 10_000;
  const rows: Row[] = [];
  const intakeStub = await startStub();
  let intakeRate: number;
  let sdkRate: number;
  try {
    const intake = await autocannon({
      url: `http://127.0.0.1:${intakeStub.port}/2010-04-01/Accounts/${TWILIO.TWILIO_ACCOUNT_SID}/Messages.json`,
      method: 'POST',
      connections: 8,
      duration: options.quick ? 3 : 5,
      headers: {
        authorization: `Basic ${Buffer.from(`${TWILIO.TWILIO_ACCOUNT_SID}:${TWILIO.TWILIO_AUTH_TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'To=%2B79991234567&From=%2B15005550006&Body=bench',
    } as autocannon.Options);
    intakeRate = intake.requests.average;
    await twilioSdkRate(intakeStub.port, 1); // warm-up
    sdkRate = await twilioSdkRate(intakeStub.port, options.quick ? 3 : 5);
  } finally {
    intakeStub.stop();
  }

  for (const workers of [1, 2]) {
    const url = await db.create(`bench_dispatch_${workers}`);
    const key = await createApiKey(url);
    const api = await startProcess('api', { DATABASE_URL: url });
    await scheduleSms(api.baseUrl!, key, count);
    await api.stop();
    const stub = await startStub();
    try {
      const env = {
        DATABASE_URL: url,
        ...TWILIO,
        TWILIO_API_BASE_URL: `http://127.0.0.1:${stub.port}`,
        SMS_SENDER_MPS: '100000',
      };
      const processes = await Promise.all(Array.from({ length: workers }, () => startProcess('worker', env)));
      await waitUntilSent(url, count, 600_000);
      await Promise.all(processes.map((p) => p.stop()));
      const stats = await stub.stats();
      const [dup] = await sql(
        url,
        `SELECT count(*)::int AS messages, count(DISTINCT invitation_id)::int AS invitations FROM message`,
      );
      // From the first message the stub took to the last: worker start-up is not dispatch.
      const rate = (stats.count - 1) / ((stats.last - stats.first) / 1000);
      const twice = stats.count - stats.distinctTo;
      rows.push({
        scenario: `dispatch, SMS, ${workers} worker${workers > 1 ? 's' : ''} (${count} messages)`,
        baseline: 'Twilio-like stub intake (8 connections)',
        baselineValue: intakeRate,
        value: rate,
        unit: 'messages/s',
        ratio: rate / intakeRate,
        target: '≥ 0.8×; none sent twice',
        pass:
          rate / intakeRate >= 0.8 &&
          twice === 0 &&
          stats.count === count &&
          dup!.messages === dup!.invitations,
        notes: `the twilio SDK alone, 8 in flight: ${Math.round(sdkRate).toLocaleString('en-US')} messages/s (Resonance at ${(rate / sdkRate).toFixed(2)}× of it); stub received ${stats.count}, sent twice ${twice}; ${dup!.messages} message rows for ${dup!.invitations} invitations; SMS_SENDER_MPS=100000 (pacing is its own scenario)`,
      });
    } finally {
      stub.stop();
    }
  }
  return rows;
}

export async function pacing(db: BenchDatabase, options: Options): Promise<Row[]> {
  const mps = options.quick ? 10 : 20;
  const count = options.quick ? 60 : 200;
  const stub = await startStub({ STUB_RATE_LIMIT_MPS: String(mps) });
  try {
    const url = await db.create('bench_pacing');
    const key = await createApiKey(url);
    const api = await startProcess('api', { DATABASE_URL: url });
    await scheduleSms(api.baseUrl!, key, count);
    await api.stop();
    const env = {
      DATABASE_URL: url,
      ...TWILIO,
      TWILIO_API_BASE_URL: `http://127.0.0.1:${stub.port}`,
      SMS_SENDER_MPS: String(mps),
    };
    const workers = await Promise.all([startProcess('worker', env), startProcess('worker', env)]);
    await waitUntilSent(url, count, 600_000);
    await Promise.all(workers.map((w) => w.stop()));
    const stats = await stub.stats();
    const rate = (stats.count - 1) / ((stats.last - stats.first) / 1000);
    return [
      {
        scenario: `SMS pacing, 2 workers, ${count} messages`,
        baseline: 'configured SMS_SENDER_MPS',
        baselineValue: mps,
        value: rate,
        unit: 'messages/s',
        ratio: rate / mps,
        target: 'within ±5 %, zero 429s',
        pass: Math.abs(rate / mps - 1) <= 0.05 && stats.rejected429 === 0,
        notes: `provider 429s: ${stats.rejected429}`,
      },
    ];
  } finally {
    stub.stop();
  }
}

/** `count` callback tasks (and their events, invitations and responses) straight in SQL. */
async function seedQueue(url: string, count: number): Promise<void> {
  await sql(
    url,
    `INSERT INTO borrower (external_id, name, phone) VALUES ('bench-queue', 'Bench', '+79990000001')`,
  );
  await sql(
    url,
    `INSERT INTO contact_event (external_id, borrower_id, touchpoint, occurred_at, body_hash, outcome)
     SELECT 'q-' || g, (SELECT id FROM borrower WHERE external_id = 'bench-queue'), 'call', now() - (g % 90) * interval '1 day', '\\x00', '{}'
       FROM generate_series(1, $1) g`,
    [count],
  );
  await sql(
    url,
    `INSERT INTO invitation (contact_event_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at)
     SELECT e.id, (SELECT id FROM survey WHERE key = 'csi_service' AND is_current), e.borrower_id, 'sms', 'ru', sha256(e.id::text::bytea),
            'answered', e.occurred_at, e.occurred_at + interval '3 days'
       FROM contact_event e WHERE e.external_id LIKE 'q-%'`,
  );
  await sql(
    url,
    `INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, locale, answers, score, low, source, submitted_at)
     SELECT i.id, i.survey_id, i.borrower_id, 'call', 'sms', 'ru', '{"satisfaction":2}', 2, true, 'sms', i.send_at FROM invitation i`,
  );
  await sql(
    url,
    `INSERT INTO callback_task (response_id, borrower_id, status, priority, first_contact_due_at, closure_reason, created_at)
     SELECT r.id, r.borrower_id, s.status, (abs(hashtext(r.id::text)) % 150), r.submitted_at + interval '1 day' + (abs(hashtext(r.id::text || 'd')) % 1000) * interval '1 second',
            CASE WHEN s.status = 'closed' THEN 'not_a_complaint' END, r.submitted_at
       FROM response r, LATERAL (SELECT CASE WHEN abs(hashtext(r.id::text || 's')) % 10 < 2 THEN 'open'
                                             WHEN abs(hashtext(r.id::text || 's')) % 10 < 3 THEN 'in_progress' ELSE 'closed' END AS status) s`,
  );
  await sql(url, 'ANALYZE');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function queue(db: BenchDatabase, options: Options): Promise<Row[]> {
  const count = options.quick ? 100_000 : 1_000_000;
  const url = await db.create('bench_queue');
  await seedQueue(url, count);
  const key = await createApiKey(url);
  const api = await startProcess('api', { DATABASE_URL: url });
  try {
    const [middle] = await sql(
      url,
      `SELECT priority, first_contact_due_at::text AS due, id FROM callback_task WHERE status = 'open'
        ORDER BY priority DESC, first_contact_due_at, id OFFSET (SELECT count(*) / 2 FROM callback_task WHERE status = 'open') LIMIT 1`,
    );
    const deepCursor = Buffer.from(JSON.stringify([middle!.priority, middle!.due, middle!.id])).toString(
      'base64url',
    );
    const headers = { authorization: `Bearer ${key}` };
    const measure = async (path: string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 220; i++) {
        const started = performance.now();
        const response = await fetch(`${api.baseUrl}${path}`, { headers });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        if (i >= 20) times.push(performance.now() - started);
      }
      return times;
    };
    const first = await measure('/api/v1/callback-tasks?status=open&limit=50');
    const deep = await measure(`/api/v1/callback-tasks?status=open&limit=50&cursor=${deepCursor}`);
    const overdue = await measure('/api/v1/callback-tasks?overdue=true&limit=50');
    return [
      ['first page', first],
      ['a page half way down', deep],
      ['overdue, first page', overdue],
    ].map(([label, times]) => {
      const p95 = percentile(times as number[], 95);
      return {
        scenario: `callback queue, ${label} (${count.toLocaleString('en-US')} tasks)`,
        baseline: '—',
        baselineValue: null,
        value: p95,
        unit: 'ms p95',
        ratio: null,
        target: 'p95 < 50 ms',
        pass: p95 < 50,
        notes: `median ${median(times as number[]).toFixed(1)} ms over 200 requests, HTTP included`,
      };
    });
  } finally {
    await api.stop();
  }
}

/** Resident set size of a process now, in MB (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function seedComplaints(url: string, count: number): Promise<void> {
  await sql(
    url,
    `INSERT INTO borrower (external_id, name, phone) SELECT 'cb-' || g, 'Заёмщик ' || g, '+79990000001' FROM generate_series(1, 1000) g`,
  );
  await sql(
    url,
    `INSERT INTO complaint (register_year, register_seq, borrower_id, received_via, category, substance, status, registered_at, received_at, due_at,
                            classification, root_cause, response_type, resolution, corrective_action, resolved_at)
     SELECT 2026, g, (SELECT id FROM borrower WHERE external_id = 'cb-' || (1 + g % 1000)), 'callback', 'payments',
            'Списание, "двойное"; клиент звонил ' || g, 'resolved', timestamp '2026-01-01' + (g % 300) * interval '1 day' + g * interval '1 second',
            timestamp '2026-01-01' + (g % 300) * interval '1 day' + g * interval '1 second',
            timestamp '2026-01-21' + (g % 300) * interval '1 day', 'justified', '=root cause', 'accept_with_redress', 'Возврат', 'Исправить шлюз',
            timestamp '2026-01-10' + (g % 300) * interval '1 day'
       FROM generate_series(1, $1) g`,
    [count],
  );
  await sql(url, 'ANALYZE');
}

/** psql's own COPY of the same SELECT, as the baseline: how fast the rows can leave PostgreSQL as CSV at all. */
async function psqlCopy(url: string, select: string): Promise<number | null> {
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'psql',
        [url, '-X', '-q', '-c', `\\copy (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      child.stdout!.on('data', () => undefined);
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  return performance.now() - started;
}

const REGISTER_SELECT = `SELECT c.register_no, to_char(c.registered_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'), c.received_via, e.touchpoint, e.product,
  b.external_id, b.name, s.key, r.score::text, r.comment, c.category, c.substance, c.status, c.classification, c.root_cause, c.response_type,
  c.redress, c.resolution, c.corrective_action, hu.name, ru.name, to_char(c.due_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'),
  to_char(c.extended_due_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'), to_char(c.resolved_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'),
  CASE WHEN c.resolved_at IS NULL THEN NULL WHEN c.resolved_at <= coalesce(c.extended_due_at, c.due_at) THEN 'yes' ELSE 'no' END, e.external_id
  FROM complaint c JOIN borrower b ON b.id = c.borrower_id LEFT JOIN callback_task t ON t.id = c.task_id LEFT JOIN response r ON r.id = t.response_id
  LEFT JOIN invitation i ON i.id = r.invitation_id LEFT JOIN contact_event e ON e.id = i.contact_event_id LEFT JOIN survey s ON s.id = r.survey_id
  LEFT JOIN staff_user hu ON hu.id = c.registered_by LEFT JOIN staff_user ru ON ru.id = c.reviewer_id
  WHERE c.registered_at >= timestamp '2025-12-31 21:00' AND c.registered_at < timestamp '2027-01-01' ORDER BY c.registered_at, c.register_year, c.register_seq`;

export async function register(db: BenchDatabase, options: Options): Promise<Row[]> {
  const count = options.quick ? 100_000 : 1_000_000;
  const url = await db.create('bench_register');
  await seedComplaints(url, count);
  const key = await createApiKey(url);
  const api = await startProcess('api', { DATABASE_URL: url });
  try {
    const download = async (format: 'csv' | 'xlsx') => {
      const before = rssMb(api.child.pid!);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(api.child.pid!))), 50);
      const started = performance.now();
      const response = await fetch(
        `${api.baseUrl}/api/v1/complaints/register?from=2026-01-01&to=2026-12-31&format=${format}`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      const ms = performance.now() - started;
      clearInterval(sampler);
      return { ms, bytes, growth: peak - before, peak, before };
    };
    await download('csv'); // warm-up
    const copy: number[] = [];
    const csv: { ms: number; growth: number }[] = [];
    const xlsx: { ms: number; peak: number; before: number }[] = [];
    for (let round = 0; round < (options.quick ? 1 : 3); round++) {
      const c = await psqlCopy(url, REGISTER_SELECT);
      if (c !== null) copy.push(c);
      csv.push(await download('csv'));
      xlsx.push(await download('xlsx'));
    }
    const copyMs = copy.length ? median(copy) : null;
    const csvMs = median(csv.map((r) => r.ms));
    const xlsxMs = median(xlsx.map((r) => r.ms));
    const rate = (ms: number) => count / (ms / 1000);
    const csvGrowth = Math.max(...csv.map((r) => r.growth));
    const xlsxPeak = Math.max(...xlsx.map((r) => r.peak));
    return [
      {
        scenario: `register export CSV (${count.toLocaleString('en-US')} complaints)`,
        baseline: 'psql \\copy of the same SELECT',
        baselineValue: copyMs ? rate(copyMs) : null,
        value: rate(csvMs),
        unit: 'rows/s',
        ratio: copyMs ? copyMs / csvMs : null,
        target: '≥ 0.33×, RSS growth < 150 MB',
        pass: copyMs ? copyMs / csvMs >= 0.33 && csvGrowth < 150 : null,
        notes: `API RSS growth ${csvGrowth.toFixed(0)} MB; over HTTP`,
      },
      {
        scenario: `register export XLSX (${count.toLocaleString('en-US')} complaints)`,
        baseline: 'the CSV export',
        baselineValue: rate(csvMs),
        value: rate(xlsxMs),
        unit: 'rows/s',
        ratio: csvMs / xlsxMs,
        target: '≥ 0.25×, peak RSS < 400 MB',
        pass: csvMs / xlsxMs >= 0.25 && xlsxPeak < 400,
        notes: `API peak RSS ${xlsxPeak.toFixed(0)} MB (${Math.round(Math.min(...xlsx.map((r) => r.before)))}–${Math.round(Math.max(...xlsx.map((r) => r.before)))} MB before each export, in the process that also ran the CSV rounds)`,
      },
    ];
  } finally {
    await api.stop();
  }
}

/**
 * Ten million responses over twelve months (a million with --quick), generated inside PostgreSQL in
 * one set-based statement. The bench database drops the response → invitation foreign key first: the
 * dashboards never read invitations, and forty million supporting rows would only slow the setup.
 */
async function seedResponses(url: string, count: number): Promise<void> {
  await sql(url, `ALTER TABLE response DROP CONSTRAINT response_invitation_id_fkey`);
  // A bulk load builds its indexes once at the end, not row by row.
  const indexes = await sql(
    url,
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'response' AND indexname <> 'response_pkey'`,
  );
  await sql(url, `ALTER TABLE response DROP CONSTRAINT response_invitation_key`);
  for (const index of indexes.filter((i) => i.indexname !== 'response_invitation_key'))
    await sql(url, `DROP INDEX ${String(index.indexname)}`);
  await sql(url, `INSERT INTO borrower (external_id) SELECT 'rb-' || g FROM generate_series(1, 100000) g`);
  await sql(
    url,
    `WITH s AS (SELECT array_agg(id ORDER BY key) AS ids, array_agg(kind ORDER BY key) AS kinds FROM survey WHERE is_current),
          b AS (SELECT array_agg(id) AS ids FROM borrower),
          g AS (SELECT g, 1 + (hashint4(g) & 2147483647) % 4 AS si, (hashint4(g * 7) & 2147483647) % 1000 AS r FROM generate_series(1, $1) g)
     INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, product, locale, answers, score, low, comment, tags, source, submitted_at)
     SELECT gen_random_uuid(), s.ids[g.si], b.ids[1 + g.g % 100000],
            (ARRAY['call', 'chat', 'email', 'loan_issued', 'repayment', 'collection'])[1 + g.g % 6],
            (ARRAY['sms', 'email', 'in_app'])[1 + g.g % 3], (ARRAY['PDL', 'installment', NULL])[1 + g.g % 3], 'ru', '{}',
            x.score, x.score <= CASE WHEN s.kinds[g.si] = 'CSI' THEN 3 ELSE 6 END,
            -- A quarter of the answers carry a comment and its category (a seventh of them two).
            CASE WHEN g.r % 4 = 0 THEN 'Комментарий ' || g.g END,
            CASE WHEN g.r % 4 = 0 THEN
              (ARRAY['payments', 'collection_conduct', 'app_website', 'product_terms', 'incorrect_consultation', 'personal_data', 'other'])[1 + g.g % 7:1 + g.g % 7 + (g.g % 7 = 0)::int]
            ELSE '{}' END, 'web',
            timestamptz '2025-11-20 00:00+03' + (g.g::float8 / $1) * interval '365 days'
       FROM g, s, b,
            LATERAL (SELECT CASE WHEN s.kinds[g.si] = 'CSI' THEN 1 + g.r % 5 ELSE g.r % 11 END::numeric AS score) x`,
    [count],
  );
  await sql(url, `ALTER TABLE response ADD CONSTRAINT response_invitation_key UNIQUE (invitation_id)`);
  for (const index of indexes.filter((i) => i.indexname !== 'response_invitation_key'))
    await sql(url, String(index.indexdef));
  await sql(url, 'ANALYZE');
}

export async function dashboard(db: BenchDatabase, options: Options): Promise<Row[]> {
  const count = options.quick ? 1_000_000 : 10_000_000;
  const url = await db.create('bench_dashboard');
  const seeded = performance.now();
  await seedResponses(url, count);
  const seedSeconds = (performance.now() - seeded) / 1000;
  // The rollups, built the way an operator rebuilds them (the worker keeps them current after that).
  const built = performance.now();
  await new Promise<void>((resolve, reject) => {
    const cli = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'), 'metrics:refresh'],
      {
        env: {
          ...process.env,
          APP_SECRET,
          DATABASE_URL: url,
          LOG_LEVEL: 'warn',
        },
        stdio: 'inherit',
      },
    );
    cli.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`metrics:refresh exited ${code}`))));
  });
  const buildSeconds = (performance.now() - built) / 1000;
  const key = await createApiKey(url);
  const api = await startProcess('api', { DATABASE_URL: url });
  try {
    // The baseline: the raw GROUP BY behind the same figures, straight on the responses.
    const raw = `SELECT to_char(date_trunc('week', (r.submitted_at AT TIME ZONE 'Europe/Moscow')::date), 'YYYY-MM-DD') AS key, s.kind,
                        count(*), sum(r.score), count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 9),
                        count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score < 7)
                   FROM response r JOIN survey s ON s.id = r.survey_id
                  WHERE r.submitted_at >= '2025-11-20' AND r.submitted_at < '2026-11-20' AND s.kind = 'NPS'
                  GROUP BY 1, 2`;
    const rawTimes: number[] = [];
    for (let i = 0; i < ROUNDS + 1; i++) {
      const started = performance.now();
      await sql(url, raw);
      if (i > 0) rawTimes.push(performance.now() - started);
    }
    const headers = { authorization: `Bearer ${key}` };
    const times: number[] = [];
    for (let i = 0; i < 220; i++) {
      const started = performance.now();
      const response = await fetch(
        `${api.baseUrl}/api/v1/metrics?from=2025-11-20&to=2026-11-19&kind=NPS&groupBy=week`,
        { headers },
      );
      const body = (await response.json()) as { items: unknown[] };
      if (!response.ok || body.items.length < 52) throw new Error(`metrics: ${response.status}`);
      if (i >= 20) times.push(performance.now() - started);
    }
    const rawMedian = median(rawTimes);
    const p95 = percentile(times, 95);
    const ratio = median(times) / rawMedian;
    const millions = (count / 1e6).toLocaleString('en-US');
    const categories = await categoryTrend(url);
    const explorer = await explorerPages(api.baseUrl!, headers);
    const exported = await responsesExport(
      url,
      { baseUrl: api.baseUrl!, child: api.child },
      headers,
      options,
    );
    return [
      {
        scenario: `category shares by week, 12 months (${millions}M responses)`,
        baseline: 'the raw GROUP BY over the responses',
        baselineValue: categories.raw,
        value: categories.rollup,
        unit: 'ms',
        ratio: categories.rollup / categories.raw,
        target: '≤ 0.05× (1/20)',
        pass: categories.rollup / categories.raw <= 0.05,
        notes: `the dashboard's low-answer category series from the rollups against the same counts from the answers (CATEGORY_SQL), medians of ${ROUNDS} rounds in PostgreSQL`,
      },
      {
        scenario: `answers explorer, 2 filters, first and deep page (${millions}M responses)`,
        baseline: '—',
        baselineValue: null,
        value: explorer.p95,
        unit: 'ms p95',
        ratio: null,
        target: 'p95 < 100 ms',
        pass: explorer.p95 < 100,
        notes: `GET /api/v1/responses?channel=sms&low=true over HTTP, audited; first page p95 ${explorer.first.toFixed(1)} ms, page ${explorer.depth} p95 ${explorer.deep.toFixed(1)} ms, ${explorer.requests} requests each`,
      },
      {
        scenario: `answers export CSV (${exported.rows.toLocaleString('en-US')} answers)`,
        baseline: 'psql \\copy of the same SELECT',
        baselineValue: exported.copyMs ? exported.rows / (exported.copyMs / 1000) : null,
        value: exported.rows / (exported.csvMs / 1000),
        unit: 'rows/s',
        ratio: exported.copyMs ? exported.copyMs / exported.csvMs : null,
        target: '≥ 0.33×, RSS growth < 150 MB',
        pass: exported.copyMs ? exported.copyMs / exported.csvMs >= 0.33 && exported.growth < 150 : null,
        notes: `GET /api/v1/responses/export over HTTP; API RSS growth ${exported.growth.toFixed(0)} MB`,
      },
      {
        scenario: `dashboard NPS trend by week, 12 months (${millions}M responses)`,
        baseline: 'the raw GROUP BY over the responses',
        baselineValue: rawMedian,
        value: median(times),
        unit: 'ms',
        ratio,
        target: '≤ 0.05× (1/20), p95 < 150 ms',
        pass: ratio <= 0.05 && p95 < 150,
        notes: `p95 ${p95.toFixed(1)} ms over 200 requests, HTTP included; raw rounds ${rawTimes.map((t) => t.toFixed(0)).join('/')} ms; generated in ${seedSeconds.toFixed(0)} s, rollups built in ${buildSeconds.toFixed(0)} s`,
      },
    ];
  } finally {
    await api.stop();
  }
}

/** The low answers' categories per week for a year: from the rollups (as the dashboard reads them) and raw. */
async function categoryTrend(url: string): Promise<{ rollup: number; raw: number }> {
  const rollup = `SELECT to_char(date_trunc('week', m.day), 'YYYY-MM-DD') AS period, m.category, sum(m.low)::int AS n
                    FROM metric_response_daily m
                   WHERE m.day BETWEEN '2025-11-20' AND '2026-11-19' AND m.category <> '' AND m.low > 0 GROUP BY 1, 2`;
  const raw = `SELECT to_char(date_trunc('week', (r.submitted_at AT TIME ZONE 'Europe/Moscow')::date), 'YYYY-MM-DD') AS period,
                      CASE WHEN cardinality(r.tags) = 0 THEN NULL
                           ELSE coalesce((SELECT t FROM unnest(r.tags) t WHERE t <> 'other' LIMIT 1), 'other') END AS category,
                      count(*)::int AS n
                 FROM response r
                WHERE r.submitted_at >= '2025-11-20 00:00+03' AND r.submitted_at < '2026-11-20 00:00+03'
                  AND r.low AND cardinality(r.tags) > 0 GROUP BY 1, 2`;
  const time = async (statement: string) => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS + 1; i++) {
      const started = performance.now();
      await sql(url, statement);
      if (i > 0) times.push(performance.now() - started);
    }
    return median(times);
  };
  return { rollup: await time(rollup), raw: await time(raw) };
}

/** The explorer's first page and a deep one (following the cursors there), each requested again and again. */
async function explorerPages(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<{ first: number; deep: number; p95: number; depth: number; requests: number }> {
  const query = 'from=2025-11-20&to=2026-11-19&channel=sms&low=true&limit=50';
  const page = async (cursor: string | null) => {
    const response = await fetch(
      `${baseUrl}/api/v1/responses?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers },
    );
    const body = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    if (!response.ok || body.items.length !== 50) throw new Error(`responses: ${response.status}`);
    return body.nextCursor;
  };
  const depth = 200;
  let cursor: string | null = null;
  for (let i = 1; i < depth; i++) cursor = await page(cursor);
  const requests = 200;
  const measure = async (at: string | null) => {
    const times: number[] = [];
    for (let i = 0; i < requests + 20; i++) {
      const started = performance.now();
      await page(at);
      if (i >= 20) times.push(performance.now() - started);
    }
    return percentile(times, 95);
  };
  const first = await measure(null);
  const deep = await measure(cursor);
  return { first, deep, p95: Math.max(first, deep), depth, requests };
}

/** The answers of about a tenth of the year as CSV over HTTP, against psql's COPY of the same SELECT. */
async function responsesExport(
  url: string,
  api: { baseUrl: string; child: { pid?: number } },
  headers: Record<string, string>,
  options: Options,
): Promise<{ rows: number; csvMs: number; copyMs: number | null; growth: number }> {
  const [from, to] = ['2025-11-20', '2025-12-25'];
  const select = `SELECT r.id::text, to_char(r.submitted_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'), s.key, s.kind, r.score::text,
      (SELECT string_agg(a.key || '=' || a.value, '; ' ORDER BY a.key) FROM jsonb_each_text(r.answers) a), r.comment,
      array_to_string(r.tags, '; '), CASE WHEN cardinality(r.tags) = 0 THEN NULL
        ELSE coalesce((SELECT t FROM unnest(r.tags) t WHERE t <> 'other' LIMIT 1), 'other') END,
      r.touchpoint, r.channel, r.product, b.segment, e.agent_ref, b.external_id, e.external_id, NULL::text, r.invitation_id::text,
      t.id::text, c.register_no
    FROM response r JOIN survey s ON s.id = r.survey_id JOIN borrower b ON b.id = r.borrower_id
    LEFT JOIN invitation i ON i.id = r.invitation_id LEFT JOIN contact_event e ON e.id = i.contact_event_id
    LEFT JOIN callback_task t ON t.response_id = r.id LEFT JOIN complaint c ON c.task_id = t.id
   WHERE r.submitted_at >= '${from} 00:00+03' AND r.submitted_at < ('${to}'::date + 1)::timestamp AT TIME ZONE 'Europe/Moscow'
   ORDER BY r.submitted_at DESC, r.id DESC`;
  const [{ n }] = await sql(
    url,
    `SELECT count(*)::int AS n FROM response WHERE submitted_at >= '${from} 00:00+03' AND submitted_at < ('${to}'::date + 1)::timestamp AT TIME ZONE 'Europe/Moscow'`,
  );
  const download = async () => {
    const before = rssMb(api.child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(api.child.pid!))), 50);
    const started = performance.now();
    const response = await fetch(`${api.baseUrl}/api/v1/responses/export?from=${from}&to=${to}&format=csv`, {
      headers,
    });
    if (!response.ok) throw new Error(`export: ${response.status}`);
    for await (const _ of response.body as unknown as AsyncIterable<Uint8Array>) void _;
    const ms = performance.now() - started;
    clearInterval(sampler);
    return { ms, growth: peak - before };
  };
  await download(); // warm-up
  const copy: number[] = [];
  const csv: { ms: number; growth: number }[] = [];
  for (let round = 0; round < (options.quick ? 1 : ROUNDS); round++) {
    const c = await psqlCopy(url, select);
    if (c !== null) copy.push(c);
    csv.push(await download());
  }
  return {
    rows: Number(n),
    csvMs: median(csv.map((r) => r.ms)),
    copyMs: copy.length ? median(copy) : null,
    growth: Math.max(...csv.map((r) => r.growth)),
  };
}

/** A campaign list of `count` borrowers, every id prefixed (each import its own borrowers). */
function campaignCsv(prefix: string, count: number): string {
  const lines = ['external_id,name,phone,email,locale,time_zone,product,segment'];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(7, '0');
    lines.push(
      `${prefix}-${n},Заёмщик ${n},+7999${n},${prefix}-${n}@example.ru,ru,${BORROWER_ZONE},${i % 3 ? 'PDL' : 'installment'},${i % 2 ? 'repeat' : 'new'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Peak RSS of a process while `work` runs, minus its RSS when the work began (MB). */
async function rssGrowth<T>(
  pid: () => number | undefined,
  work: () => Promise<T>,
): Promise<{ value: T; growth: number }> {
  let first: number | null = null;
  let peak = 0;
  const sample = () => {
    const id = pid();
    if (!id) return;
    try {
      const rss = rssMb(id);
      first ??= rss;
      peak = Math.max(peak, rss);
    } catch {
      // the process has exited
    }
  };
  const sampler = setInterval(sample, 25);
  try {
    const value = await work();
    return { value, growth: first === null ? 0 : peak - first };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * A relationship campaign of 100,000 borrowers, imported from CSV through the CLI (checked whole, then
 * sent in pages) and through the API in pages of 10,000, against PostgreSQL's COPY of the same file into
 * a bare table. Resonance does more per row (borrowers created, opt-outs and the contact cap checked,
 * each send placed in the borrower's sending hours, invitations and recipients written, every page
 * audited), so the target is a quarter of COPY's speed, with memory flat.
 */
export async function campaigns(db: BenchDatabase, options: Options): Promise<Row[]> {
  const count = 100_000;
  const url = await db.create('bench_campaigns');
  const key = await createApiKey(url);
  const dir = mkdtempSync(join(tmpdir(), 'resonance-bench-campaigns-'));
  const api = await startProcess('api', { DATABASE_URL: url });
  try {
    const rounds = options.quick ? 1 : 2;
    const copy: number[] = [];
    const cli: { ms: number; growth: number }[] = [];
    const pages: { ms: number; growth: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const file = join(dir, `borrowers-${round}.csv`);
      writeFileSync(file, campaignCsv(`copy-${round}`, count));
      await sql(
        url,
        `CREATE TABLE IF NOT EXISTS bench_copy (external_id text, name text, phone text, email text, locale text, time_zone text, product text, segment text)`,
      );
      const started = performance.now();
      const copied = await psqlCommand(url, `\\copy bench_copy FROM '${file}' WITH (FORMAT csv, HEADER)`);
      if (copied) copy.push(performance.now() - started);

      // The CLI's memory for 100,000 rows against its memory for 1,000: what the list's size costs.
      const small = join(dir, `small-${round}.csv`);
      writeFileSync(small, campaignCsv(`small-${round}`, 1_000));
      const baselineRun = await importWithCli(url, small, `Small ${round}`);
      writeFileSync(file, campaignCsv(`cli-${round}`, count));
      const fullRun = await importWithCli(url, file, `Bench ${round}`);
      const imported = { value: fullRun.ms, growth: fullRun.peak - baselineRun.peak };
      cli.push({ ms: imported.value, growth: imported.growth });

      const sent = await rssGrowth(
        () => api.child.pid,
        async () => {
          const recipients = (i: number) => ({
            borrower: {
              externalId: `api-${round}-${i}`,
              name: `Заёмщик ${i}`,
              phone: `+7998${String(i).padStart(7, '0')}`,
              locale: 'ru',
              timeZone: BORROWER_ZONE,
            },
            product: 'PDL',
            segment: 'repeat',
          });
          const page = (from: number) => Array.from({ length: 10_000 }, (_, i) => recipients(from + i));
          const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
          const began = performance.now();
          const created = await fetch(`${api.baseUrl}/api/v1/campaigns`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              externalId: `bench-api-${round}`,
              name: 'Bench',
              survey: 'nps_relationship',
              spreadDays: 2,
              recipients: page(0),
            }),
          });
          const { id } = (await created.json()) as { id: string };
          for (let from = 10_000; from < count; from += 10_000) {
            const added = await fetch(`${api.baseUrl}/api/v1/campaigns/${id}/recipients`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ recipients: page(from) }),
            });
            if (added.status !== 200) throw new Error(`page refused: ${added.status} ${await added.text()}`);
          }
          return performance.now() - began;
        },
      );
      pages.push({ ms: sent.value, growth: sent.growth });
    }
    const invited = Number(
      (await sql(url, `SELECT count(*) AS n FROM invitation WHERE campaign_id IS NOT NULL`))[0]!.n,
    );
    if (invited !== (count * 2 + 1_000) * rounds)
      throw new Error(`expected ${(count * 2 + 1_000) * rounds} invitations, found ${invited}`);
    const copyMs = copy.length ? median(copy) : null;
    const rate = (ms: number) => count / (ms / 1000);
    const row = (scenario: string, runs: { ms: number; growth: number }[], where: string): Row => {
      const ms = median(runs.map((r) => r.ms));
      const growth = Math.max(...runs.map((r) => r.growth));
      return {
        scenario,
        baseline: 'psql \\copy of the same rows into a bare table',
        baselineValue: copyMs ? rate(copyMs) : null,
        value: rate(ms),
        unit: 'rows/s',
        ratio: copyMs ? copyMs / ms : null,
        target: '≥ 0.25×, RSS growth < 150 MB',
        pass: copyMs ? copyMs / ms >= 0.25 && growth < 150 : null,
        notes: `${(ms / 1000).toFixed(1)} s for ${count.toLocaleString('en-US')} (COPY ${copyMs ? (copyMs / 1000).toFixed(2) : '—'} s); ${where} RSS growth ${growth.toFixed(0)} MB; ${rounds} round(s)`,
      };
    };
    return [
      row(
        `campaign import, ${count.toLocaleString('en-US')} recipients from CSV (CLI)`,
        cli,
        'CLI process (100,000 rows against 1,000, start-up included in both)',
      ),
      row(
        `campaign import, ${count.toLocaleString('en-US')} recipients in API pages of 10,000`,
        pages,
        'API',
      ),
    ];
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `campaign:import` of a file as its own process: how long it took and its peak RSS (MB). */
async function importWithCli(url: string, file: string, name: string): Promise<{ ms: number; peak: number }> {
  let child: ReturnType<typeof spawn> | null = null;
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      if (child?.pid) peak = Math.max(peak, rssMb(child.pid));
    } catch {
      // exited
    }
  }, 25);
  const began = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const args = [
        'campaign:import',
        '--name',
        name,
        '--survey',
        'nps_relationship',
        '--file',
        file,
        '--spread-days',
        '2',
      ];
      child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'), ...args], {
        env: { ...process.env, DATABASE_URL: url, APP_SECRET, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let errors = '';
      child.stderr!.on('data', (c: Buffer) => (errors += c.toString()));
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`campaign:import exited ${code}: ${errors.slice(-2000)}`)),
      );
    });
    return { ms: performance.now() - began, peak };
  } finally {
    clearInterval(sampler);
  }
}

/** A psql meta-command (`\copy …`); false when psql is not installed. */
async function psqlCommand(url: string, command: string): Promise<boolean> {
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('psql', [url, '-X', '-q', '-c', command], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
    });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
}

/** An SMTP server that takes every message and counts it: first and last arrival, and per recipient. */
async function smtpSink(): Promise<{
  port: number;
  stats(): { count: number; distinctTo: number; first: number; last: number; bytes: number };
  reset(): void;
  stop(): Promise<void>;
}> {
  let count = 0;
  let first = 0;
  let last = 0;
  let bytes = 0;
  const recipients = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      recipients.add(address.address);
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', () => {
        const now = performance.now();
        if (count === 0) first = now;
        last = now;
        count++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    stats: () => ({ count, distinctTo: recipients.size, first, last, bytes }),
    reset: () => {
      count = 0;
      bytes = 0;
      recipients.clear();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A 10,000-recipient email campaign: Resonance's worker (claim, render, send over its nodemailer pool
 * of 4 connections, record) against nodemailer's pool alone sending the same number of messages of
 * the same size to the same SMTP server with the same 4 connections.
 */
export async function campaignEmail(db: BenchDatabase, options: Options): Promise<Row[]> {
  const count = options.quick ? 2_000 : 10_000;
  const sink = await smtpSink();
  try {
    const url = await db.create('bench_campaign_email');
    const key = await createApiKey(url);
    const api = await startProcess('api', { DATABASE_URL: url });
    try {
      let id = '';
      for (let from = 0; from < count; from += 10_000) {
        const recipients = Array.from({ length: Math.min(10_000, count - from) }, (_, i) => ({
          borrower: {
            externalId: `mail-${from + i}`,
            name: `Заёмщик ${from + i}`,
            email: `mail-${from + i}@example.ru`,
            locale: 'ru',
            timeZone: BORROWER_ZONE,
          },
        }));
        const response = await fetch(`${api.baseUrl}/api/v1/campaigns${id ? `/${id}/recipients` : ''}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(
            id
              ? { recipients }
              : { externalId: 'bench-email', name: 'Email', survey: 'nps_relationship', recipients },
          ),
        });
        if (response.status !== 201 && response.status !== 200)
          throw new Error(`campaign refused: ${response.status} ${await response.text()}`);
        id = ((await response.json()) as { id: string }).id;
      }
    } finally {
      await api.stop();
    }
    const worker = await startProcess('worker', {
      DATABASE_URL: url,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    });
    try {
      const started = Date.now();
      for (;;) {
        const [row] = await sql(url, `SELECT count(*)::int AS n FROM invitation WHERE status = 'sent'`);
        if ((row!.n as number) >= count) break;
        if (Date.now() - started > 600_000) throw new Error(`only ${row!.n} of ${count} emails sent`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await worker.stop();
    }
    const ours = sink.stats();
    const oursRate = (ours.count - 1) / ((ours.last - ours.first) / 1000);
    const averageBytes = Math.round(ours.bytes / ours.count);
    const [dup] = await sql(
      url,
      `SELECT count(*)::int AS messages, count(DISTINCT invitation_id)::int AS invitations FROM message`,
    );

    // nodemailer's pool alone: the same number of messages of the same size, 4 connections.
    sink.reset();
    const transporter = createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
      maxMessages: 100,
    } as Parameters<typeof createTransport>[0]);
    const html = `<p>${'Оцените, пожалуйста, наш сервис. '.repeat(Math.max(1, Math.floor(averageBytes / 70)))}</p>`;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        transporter.sendMail({
          from: 'bench@resonance.local',
          to: `pool-${i}@example.ru`,
          subject: 'Как мы справились?',
          text: 'Оцените нас',
          html,
        }),
      ),
    );
    transporter.close();
    const alone = sink.stats();
    const aloneRate = (alone.count - 1) / ((alone.last - alone.first) / 1000);
    return [
      {
        scenario: `dispatch, email campaign, 1 worker (${count.toLocaleString('en-US')} messages)`,
        baseline: 'nodemailer pool alone, same server, 4 connections',
        baselineValue: aloneRate,
        value: oursRate,
        unit: 'messages/s',
        ratio: oursRate / aloneRate,
        target: '≥ 0.8×; none sent twice',
        pass:
          oursRate / aloneRate >= 0.8 &&
          ours.count === count &&
          ours.distinctTo === count &&
          dup!.messages === dup!.invitations,
        notes: `server received ${ours.count} (${ours.distinctTo} addresses; ${averageBytes} bytes a message, the baseline's ${Math.round(alone.bytes / alone.count)}); ${dup!.messages} message rows for ${dup!.invitations} invitations`,
      },
    ];
  } finally {
    await sink.stop();
  }
}
