import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { secretDigest } from '@app/core';
import { freePort } from '@app/database';
import { invitationToken } from '@app/surveys';
import type { Options, Row } from './scenarios';
import { APP_SECRET, BenchDatabase, median, ROOT, sql, startProcess } from './support';

const ROUNDS = 3;

/** `count` sent CSI invitations, each with its own borrower and event; returns their survey tokens. */
async function seedInvitations(url: string, count: number): Promise<{ token: string; csrf: string }[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const tokens = ids.map((id) => invitationToken(APP_SECRET, id));
  await sql(
    url,
    `WITH x AS (SELECT * FROM unnest($1::uuid[], $2::bytea[]) WITH ORDINALITY AS t(id, hash, n)),
          b AS (INSERT INTO borrower (external_id, phone) SELECT 'sp-' || n, '+7999' || lpad(n::text, 7, '0') FROM x RETURNING id, external_id),
          e AS (INSERT INTO contact_event (external_id, borrower_id, touchpoint, product, occurred_at, body_hash, outcome)
                SELECT 'spe-' || substr(b.external_id, 4), b.id, 'chat', 'PDL', now(), '\\x00', '{}' FROM b RETURNING id, borrower_id, external_id)
     INSERT INTO invitation (id, contact_event_id, survey_id, borrower_id, channel, locale, token_hash, status, send_at, expires_at, sent_at)
     SELECT x.id, e.id, (SELECT id FROM survey WHERE key = 'csi_service' AND is_current), e.borrower_id, 'sms', 'ru', x.hash, 'sent',
            now(), now() + interval '3 days', now()
       FROM x JOIN e ON e.external_id = 'spe-' || x.n`,
    [ids, tokens.map((t) => secretDigest(t))],
  );
  await sql(url, 'ANALYZE');
  return ids.map((id, i) => ({
    token: tokens[i]!,
    csrf: createHmac('sha256', APP_SECRET).update(`survey-form:${id}`).digest('base64url').slice(0, 32),
  }));
}

/**
 * Submits `amount` surveys, each a link of its own, from 8 clients; redirects (303) per second, timed
 * from the first request to the last response (autocannon's own totals tick once a second).
 */
async function submit(
  baseUrl: string,
  links: { token: string; csrf: string }[],
  amount: number,
): Promise<{ rps: number; bad: number }> {
  let next = 0;
  let redirected = 0;
  let last = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        method: 'POST',
        connections: 8,
        amount,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        requests: [
          {
            setupRequest: (req: autocannon.Request) => {
              const link = links[next++];
              if (!link) throw new Error('out of survey links');
              return {
                ...req,
                path: `/s/${link.token}`,
                body: `lang=ru&csrf=${link.csrf}&q_satisfaction=5&comment=`,
              };
            },
          },
        ],
      },
      (error: Error | null) => (error ? reject(error) : resolve()),
    );
    instance.on('response', (_client: unknown, status: number) => {
      if (status === 303) redirected += 1;
      last = performance.now();
    });
  });
  return { rps: redirected / ((last - started) / 1000), bad: amount - redirected };
}

export async function surveyPage(db: BenchDatabase, options: Options): Promise<Row[]> {
  const amount = options.quick ? 1500 : 5000;
  const url = await db.create('bench_survey_page');
  // Links for a warm-up and three rounds of each side, none used twice.
  const links = await seedInvitations(url, (ROUNDS + 1) * 2 * amount);
  const basePort = await freePort();
  const baseline = spawn(process.execPath, [join(ROOT, 'dist', 'bench', 'survey-baseline.main.js')], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(basePort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    baseline.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    baseline.on('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
  const api = await startProcess('api', { DATABASE_URL: url, PUBLIC_RATE_LIMIT: '10000000' });
  try {
    let cursor = 0;
    const take = () => links.slice(cursor, (cursor += amount));
    const base: number[] = [];
    const ours: number[] = [];
    let bad = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const b = await submit(`http://127.0.0.1:${basePort}`, take(), amount);
      const r = await submit(api.baseUrl!, take(), amount);
      bad += b.bad + r.bad;
      if (round === 0) continue; // warm-up
      base.push(b.rps);
      ours.push(r.rps);
    }
    const [answered] = await sql(url, `SELECT count(*)::int AS n FROM response`);
    const ratio = median(ours) / median(base);
    return [
      {
        scenario: `survey page submit (8 clients, ${amount.toLocaleString('en-US')} links a round)`,
        baseline: 'bare Fastify handler, same SQL, same pool size',
        baselineValue: median(base),
        value: median(ours),
        unit: 'submits/s',
        ratio,
        target: '≥ 0.85×',
        pass: ratio >= 0.85 && bad === 0,
        notes: `rounds ${ours.map((v) => v.toFixed(0)).join('/')} vs ${base.map((v) => v.toFixed(0)).join('/')}; non-303 answers ${bad}; ${answered!.n} responses recorded`,
      },
    ];
  } finally {
    await api.stop();
    baseline.kill('SIGTERM');
  }
}
