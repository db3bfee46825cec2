import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SYSTEM_ACTOR } from '@app/audit';
import { encodeCursor, FixedClock } from '@app/core';
import { API_SCOPES, ApiKeyService, StaffUserService } from '@app/identity';
import type { FastifyInstance } from 'fastify';
import { seedTasks } from '../factories/low-scores';
import { RunningApi, startTestApi } from '../support/api-app';
import { ConsoleClient } from '../support/console-client';

const UUID = '0b8a5f4e-3c1d-4e2f-9a7b-6c5d4e3f2a1b';
/** A marker inside every bad value: it must never reach a log line. */
const MARK = 'zq7marker';

/** quality.md's catalogue, as text a query string, a path, a form or a JSON field can carry. */
const TEXTS = [
  `${MARK}\u0000nul`,
  `${MARK}\ud800lone`,
  `${MARK}${'x'.repeat(10_001)}`,
  `${MARK}' OR '1'='1`,
  '99999999999999999999',
];
const DATES = ['2026-02-30', '0000-01-01', '2026-13-01'];
const NUMBERS = ['-1', '0', '100000', '1e309'];
const CURSORS = [
  encodeCursor([1, `${MARK}@example.ru`, UUID]),
  encodeCursor(['2026-02-30 00:00:00+00', UUID]),
  encodeCursor(['0000-01-01 00:00:00+00', UUID]),
  encodeCursor([123, MARK]),
  encodeCursor([2 ** 40, '2026-11-18 09:00:00+00', UUID]),
  encodeCursor(['2026-11-18 09:00:00+00', MARK]),
  `${MARK}!!notbase64`,
];
/** What forms and JSON fields get: all of the above and the text that is stored and shown again. */
const VALUES = [
  ...TEXTS,
  `${MARK}\udc00`,
  `${MARK}\u202egnp.exe\u200b`,
  `${MARK}@b.c\r\nBcc: x`,
  `=HYPERLINK("${MARK}")`,
  'null',
  ...DATES,
  ...NUMBERS,
  ...CURSORS,
];

const QUERY_NAMES = [
  'from',
  'to',
  'cursor',
  'limit',
  'status',
  'kind',
  'groupBy',
  'touchpoint',
  'channel',
  'product',
  'overdue',
  'classification',
  'category',
  'format',
  'actorId',
  'action',
  'entityType',
  'entityId',
  'lang',
  'score',
  'notice',
  'answer',
  'q',
  'next',
  'assigneeId',
  'tab',
  'saved',
  'year',
];

const JSON_BODIES: unknown[] = [
  {},
  [],
  { events: [] },
  { answers: { [`${MARK}\u0000`]: 1 } },
  { answers: { satisfaction: `${MARK}\ud800` }, comment: `${MARK}\u0000` },
  { externalId: `${MARK}\u0000`, attributes: { [`${MARK}\ud800`]: `${MARK}\u0000` } },
  { events: [{ externalId: `${MARK}\u0000` }, null, 1, `${MARK}`] },
  { borrower: { phone: `${MARK}@b.c\r\nBcc: x`, email: `a@b.c\r\nBcc: ${MARK}` } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
];

/** Percent-encoding that keeps a lone surrogate as the bytes a hostile client would send (encodeURIComponent refuses it). */
function encode(value: string): string {
  return value.replace(/[\s\S]/gu, (char) => {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    return encodeURIComponent(char);
  });
}

interface Route {
  method: string;
  path: string;
}

/** Every route the server answers, from Fastify's own table (`printRoutes` without a common prefix). */
function routesOf(fastify: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)(?:[├└]── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of (match[3] ?? '').split(', ').filter(Boolean))
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, path: stack.join('') });
  }
  return routes;
}

/** Names of every field the console's forms post. */
function formFieldNames(): string[] {
  const dir = join(__dirname, '../../templates/pages/console');
  const names = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.hbs'),
  ))
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/name="([A-Za-z_]+)"/g))
      if (match[1] !== '_csrf') names.add(match[1]!);
  return [...names];
}

describe('the bad-input catalogue (quality.md) against every entry point: a 4xx, never a 5xx, nothing echoed into logs', () => {
  const clock = new FixedClock(new Date('2026-11-18T09:00:00Z'));
  const logs: string[] = [];
  let api: RunningApi;
  let key: string;
  let admin: ConsoleClient;
  let routes: Route[];
  let taskId: string;

  beforeAll(async () => {
    api = await startTestApi({
      clock,
      env: { LOG_LEVEL: 'debug', PUBLIC_RATE_LIMIT: '1000000' },
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString());
          done();
        },
      }),
    });
    await api.app.get(StaffUserService).create(SYSTEM_ACTOR, {
      email: 'admin@lender.test',
      name: 'Admin',
      role: 'admin',
      password: 'correct horse battery',
    });
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'all', scopes: [...API_SCOPES] }))
      .secret;
    [taskId] = await seedTasks(api.db.url, 3);
    admin = new ConsoleClient(api.baseUrl);
    expect((await admin.signIn('admin@lender.test', 'correct horse battery')).status).toBe(303);
    await admin.get('/console/admin');
    routes = routesOf(api.app.getHttpAdapter().getInstance() as unknown as FastifyInstance);
  });
  afterAll(async () => {
    await api?.close();
  });

  const failures: string[] = [];
  async function send(method: string, path: string, init: { body?: string; type?: string } = {}) {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${key}`,
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.type ? { 'content-type': init.type } : {}),
      },
      body: init.body,
    });
    await response.arrayBuffer();
    if (response.status >= 500)
      failures.push(`${response.status} ${method} ${path.slice(0, 200)} ${(init.body ?? '').slice(0, 300)}`);
    return response.status;
  }

  /** Runs the calls a few at a time: enough to be quick, few enough to keep the pool healthy. */
  async function all(calls: (() => Promise<unknown>)[], parallel = 8): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < calls.length) await calls[next++]!();
      }),
    );
  }

  function concrete(path: string, value: string): string {
    return path.replace(/:[A-Za-z]+/g, encode(value));
  }

  it('finds the routes it tries', () => {
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'POST /api/v1/contact-events',
      'POST /api/v1/contact-events/batch',
      'GET /api/v1/callback-tasks',
      'GET /api/v1/complaints/register',
      'GET /api/v1/metrics',
      'POST /console/login',
      'GET /console/queue',
      'GET /console/audit',
      'POST /webhooks/twilio/inbound',
      'POST /u/:token',
      'GET /s/:token',
    ])
      expect(paths).toContain(expected);
  });

  it('answers every bad path parameter and query value with a 4xx', async () => {
    const calls: (() => Promise<unknown>)[] = [];
    const query = (path: string, name: string, value: string) => () =>
      send('GET', `${path}?${name}=${encode(value)}`);
    for (const route of routes.filter((r) => r.method === 'GET')) {
      if (route.path.includes(':'))
        for (const value of [...TEXTS, ...CURSORS, UUID, taskId])
          calls.push(() => send('GET', concrete(route.path, value)));
      const path = concrete(route.path, taskId);
      for (const name of QUERY_NAMES) for (const value of TEXTS) calls.push(query(path, name, value));
      for (const name of ['from', 'to']) for (const value of DATES) calls.push(query(path, name, value));
      for (const name of ['limit', 'score', 'version'])
        for (const value of NUMBERS) calls.push(query(path, name, value));
      for (const value of CURSORS) calls.push(query(path, 'cursor', value));
    }
    await all(calls);
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers every bad JSON body, form field and content type with a 4xx', async () => {
    const fields = formFieldNames();
    const calls: (() => Promise<unknown>)[] = [];
    for (const route of routes.filter((r) => r.method === 'POST' || r.method === 'PUT')) {
      const path = concrete(route.path, route.path.startsWith('/console') ? taskId : UUID);
      for (const body of JSON_BODIES)
        calls.push(() => send(route.method, path, { body: JSON.stringify(body), type: 'application/json' }));
      calls.push(() => send(route.method, path, { body: '{"a":'.repeat(5000), type: 'application/json' }));
      calls.push(() => send(route.method, path, { body: `${MARK} plain`, type: 'text/plain' }));
      calls.push(() => send(route.method, path, { body: '<x/>', type: 'application/xml' }));
      for (const value of VALUES) {
        const form = new URLSearchParams({ _csrf: admin.csrf });
        for (const name of fields) form.append(name, value);
        calls.push(() =>
          send(route.method, path, { body: form.toString(), type: 'application/x-www-form-urlencoded' }),
        );
      }
      fields.forEach((name, i) => {
        const form = new URLSearchParams({ _csrf: admin.csrf, [name]: VALUES[i % VALUES.length]! });
        calls.push(() =>
          send(route.method, path, { body: form.toString(), type: 'application/x-www-form-urlencoded' }),
        );
      });
    }
    await all(calls);
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers 400 validation_failed, decided at the edge, to tampered cursors and impossible days on the API lists, answers and ratios', async () => {
    const cases = [
      ...CURSORS.map((c) => `/api/v1/callback-tasks?cursor=${encode(c)}`),
      ...CURSORS.map((c) => `/api/v1/complaints?cursor=${encode(c)}`),
      ...CURSORS.map((c) => `/api/v1/responses?cursor=${encode(c)}`),
      ...DATES.flatMap((d) => [
        `/api/v1/responses?from=${d}`,
        `/api/v1/responses/export?to=${d}`,
        `/api/v1/metrics/ratios?from=${d}&to=2026-11-30`,
      ]),
      ...DATES.flatMap((d) => [
        `/api/v1/complaints?from=${d}`,
        `/api/v1/metrics?from=${d}&to=2026-11-30`,
        `/api/v1/complaints/register?from=${d}&to=2026-11-30`,
      ]),
      `/api/v1/metrics?from=2026-11-01&to=2026-11-30&kind=${encode(`${MARK}\u0000`)}`,
    ];
    for (const path of cases) {
      const response = await fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
      expect({
        path,
        status: response.status,
        code: ((await response.json()) as { code: string }).code,
      }).toEqual({
        path,
        status: 400,
        code: 'validation_failed',
      });
    }
  });

  it('answers 415 to a body of a type the API does not take', async () => {
    const posts = routes.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/'));
    expect(posts.length).toBeGreaterThan(2);
    for (const route of posts)
      for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])
        expect({
          route: route.path,
          type,
          status: await send('POST', concrete(route.path, UUID), { body: 'x', type }),
        }).toEqual({
          route: route.path,
          type,
          status: 415,
        });
  });

  it('never echoes what it was sent into the logs', () => {
    expect(logs.length).toBeGreaterThan(100);
    expect(logs.filter((line) => line.includes(MARK)).map((l) => l.slice(0, 300))).toEqual([]);
  });
});
