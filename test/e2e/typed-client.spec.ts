import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'openapi-fetch';
import { Actor, SYSTEM_ACTOR } from '@app/audit';
import { CallbackWorkflow } from '@app/callbacks';
import { ComplaintWorkflow } from '@app/complaints';
import { FixedClock } from '@app/core';
import { API_SCOPES, ApiKeyService, StaffUserService } from '@app/identity';
import { DispatchInvitations } from '@app/messaging';
import { RunningApi, startTestApi } from '../support/api-app';
import { responseValidator } from '../support/openapi-validator';
import { PROJECT_ROOT } from '../support/process';

const NOW = new Date('2026-11-18T09:00:00Z');
const COMMITTED = join(PROJECT_ROOT, 'docs', 'openapi.json');
const CLIENT = join(PROJECT_ROOT, 'test', 'typed-client', 'closed-loop.ts');
const GENERATED = join(PROJECT_ROOT, 'test', 'typed-client', 'generated', 'api.ts');

/**
 * The client code, loaded at run time: it is typed by the types this test generates, so the project's
 * own typecheck leaves it out and this test compiles it against them instead.
 */
interface ClosedLoop {
  apiClient(baseUrl: string, key: string, check: Middleware): unknown;
  lowScoreToTask(
    client: unknown,
    dispatch: () => Promise<unknown>,
  ): Promise<{ eventExternalId: string; borrowerExternalId: string; invitationId: string; taskId: string }>;
  complaints(
    client: unknown,
    loop: { taskId: string; eventExternalId: string; borrowerExternalId: string },
  ): Promise<{ fromTask: string; fromLetter: string }>;
  campaigns(client: unknown): Promise<{ id: string }>;
}

/**
 * The API as an integrator meets it: the committed document is the one the server serves, a client
 * generated from it (openapi-typescript, at test time) compiles against the closed loop and drives
 * the running server through openapi-fetch, and every response body is checked against the
 * document's schema, strictly: a field on one side only fails.
 */
describe('the typed client generated from the OpenAPI document', () => {
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let key: string;
  let served: { servers: unknown; paths: Record<string, unknown> } & Record<string, unknown>;
  const checked: string[] = [];
  const mismatches: string[] = [];

  beforeAll(async () => {
    api = await startTestApi({ clock });
    key = (await api.app.get(ApiKeyService).create(SYSTEM_ACTOR, { name: 'crm', scopes: [...API_SCOPES] }))
      .secret;
    served = (await (await fetch(`${api.baseUrl}/api/docs/openapi.json`)).json()) as typeof served;
  });
  afterAll(() => api.close());

  it('serves the document committed in docs/openapi.json (regenerate it with npm run openapi)', () => {
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8')) as typeof served;
    expect({ ...served, servers: null }).toEqual({ ...committed, servers: null });
    expect(served.servers).toEqual([{ url: api.config.publicBaseUrl }]);
  });

  it('generates types with openapi-typescript, and the closed-loop client compiles against them', () => {
    execFileSync(
      process.execPath,
      [join(PROJECT_ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), COMMITTED, '-o', GENERATED],
      {
        stdio: 'pipe',
      },
    );
    expect(readFileSync(GENERATED, 'utf8')).toContain('"/api/v1/complaints"');
    execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--ignoreConfig',
        '--strict',
        '--target',
        'es2023',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        CLIENT,
      ],
      { stdio: 'pipe', cwd: PROJECT_ROOT },
    );
  });

  it('drives the closed loop through openapi-fetch, every response body as the document says', async () => {
    const validator = responseValidator(served);
    const check: Middleware = {
      async onResponse({ request, response, schemaPath }) {
        const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
        const body: unknown = await response.clone().json();
        checked.push(`${request.method} ${schemaPath} ${response.status}`);
        mismatches.push(...validator.errors(schemaPath, request.method, response.status, mediaType, body));
        return undefined;
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { apiClient, campaigns, complaints, lowScoreToTask } = require(CLIENT) as ClosedLoop;
    const client = apiClient(api.baseUrl, key, check);
    const loop = await lowScoreToTask(client, () => api.app.get(DispatchInvitations).dispatchDue());

    // A specialist calls back and registers the complaint (the console's part of the loop).
    const users = api.app.get(StaffUserService);
    const agent: Actor = {
      type: 'staff',
      role: 'agent',
      id: (
        await users.create(SYSTEM_ACTOR, {
          email: 'a@l.test',
          name: 'A',
          role: 'agent',
          password: 'long-enough-password',
        })
      ).id,
    };
    const callbacks = api.app.get(CallbackWorkflow);
    const taken = await callbacks.takeNext(agent);
    expect(taken?.id).toBe(loop.taskId);
    const reached = await callbacks.logAttempt(agent, loop.taskId, taken!.version, { result: 'reached' });
    await api.app
      .get(ComplaintWorkflow)
      .register(agent, loop.taskId, reached.version, { substance: 'Двойное списание' });
    await complaints(client, loop);
    await campaigns(client);

    expect(mismatches).toEqual([]);
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /api/v1/api-keys/current 200',
        'POST /api/v1/contact-events 202',
        'GET /api/v1/borrowers/{externalId}/pending-surveys 200',
        'POST /api/v1/invitations/{id}/response 201',
        'GET /api/v1/invitations/{id} 200',
        'GET /api/v1/callback-tasks/{id} 200',
        'GET /api/v1/complaints/{id} 200',
        'POST /api/v1/complaints 201',
        'POST /api/v1/complaints 409',
        'POST /api/v1/complaints 400',
        'GET /api/v1/complaints 200',
        'GET /api/v1/callback-tasks 200',
        'GET /api/v1/metrics 200',
        'POST /api/v1/contact-events/batch 200',
        'GET /health/ready 200',
        'POST /api/v1/campaigns 201',
        'POST /api/v1/campaigns 200',
        'POST /api/v1/campaigns/{id}/recipients 200',
        'POST /api/v1/campaigns/{id}/recipients 409',
        'GET /api/v1/campaigns/{id} 200',
        'POST /api/v1/campaigns/{id}/cancel 200',
      ]),
    );
  });

  it('gives every operation under /api/v1 a summary, its scope, typed errors and an example of each JSON body that its schema accepts', () => {
    const validator = responseValidator(served);
    type Op = {
      summary?: string;
      description?: string;
      requestBody?: { content: Record<string, { example?: unknown }> };
      responses: Record<string, { content?: Record<string, { example?: unknown; schema?: unknown }> }>;
    };
    const problems: string[] = [];
    for (const [path, item] of Object.entries(served.paths as Record<string, Record<string, Op>>)) {
      for (const [method, op] of Object.entries(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        if (!op.summary) problems.push(`${label}: no summary`);
        if (path.startsWith('/api/v1/') && !/Scope: /.test(op.description ?? ''))
          problems.push(`${label}: no scope`);
        const json = op.requestBody?.content['application/json'];
        if (json && json.example === undefined) problems.push(`${label}: no request example`);
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && !response.content?.['application/problem+json'])
            problems.push(`${label} ${status}: not problem+json`);
          const body = response.content?.['application/json'];
          if (Number(status) < 300 && body) {
            if (body.example === undefined) problems.push(`${label} ${status}: no example`);
            else
              problems.push(
                ...validator.errors(path, method, Number(status), 'application/json', body.example),
              );
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('fails when a response field is renamed on one side only', async () => {
    const validator = responseValidator(served);
    const body = {
      id: '7f1c1f6e-0b7a-4a49-9b89-1f0a4c7e2a10',
      registerNo: '2026-000007',
      registeredAt: NOW.toISOString(),
      receivedAt: NOW.toISOString(),
      dueAt: NOW.toISOString(),
      status: 'registered',
    };
    expect(validator.errors('/api/v1/complaints', 'POST', 201, 'application/json', body)).toEqual([]);
    // The server renames a field the document keeps.
    const { registerNo, ...rest } = body;
    expect(
      validator.errors('/api/v1/complaints', 'POST', 201, 'application/json', {
        ...rest,
        registerNumber: registerNo,
      }),
    ).toEqual([
      expect.stringContaining("must have required property 'registerNo'"),
      expect.stringContaining('must NOT have additional properties {"additionalProperty":"registerNumber"}'),
    ]);
    // The document renames it and the server does not.
    const renamed = structuredClone(served) as unknown as {
      components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
    };
    const schema = renamed.components.schemas.RegisteredComplaintDto!;
    schema.properties.registerNumber = schema.properties.registerNo;
    delete schema.properties.registerNo;
    schema.required = schema.required.map((r) => (r === 'registerNo' ? 'registerNumber' : r));
    expect(
      responseValidator(renamed).errors('/api/v1/complaints', 'POST', 201, 'application/json', body),
    ).toHaveLength(2);
  });
});
