import { SYSTEM_ACTOR } from '@app/audit';
import { API_SCOPES, ApiKeyService, ApiScope } from '@app/identity';
import { RunningApi, startTestApi } from '../support/api-app';
import { request } from '../support/http';

const ID = '00000000-0000-4000-8000-000000000000';

/**
 * The intended access of every integration route: the scope it needs (null: any valid key). The
 * OpenAPI document is checked against this table, so a new route cannot be added without a line here.
 */
const ROUTES: {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  openapi: string;
  scope: ApiScope | null;
  body?: unknown;
}[] = [
  { method: 'GET', path: '/api/v1/api-keys/current', openapi: '/api/v1/api-keys/current', scope: null },
  {
    method: 'POST',
    path: '/api/v1/contact-events',
    openapi: '/api/v1/contact-events',
    scope: 'events:write',
    body: {},
  },
  {
    method: 'POST',
    path: '/api/v1/contact-events/batch',
    openapi: '/api/v1/contact-events/batch',
    scope: 'events:write',
    body: {},
  },
  {
    method: 'GET',
    path: `/api/v1/invitations/${ID}`,
    openapi: '/api/v1/invitations/{id}',
    scope: 'events:write',
  },
  {
    method: 'GET',
    path: '/api/v1/borrowers/b-1/pending-surveys',
    openapi: '/api/v1/borrowers/{externalId}/pending-surveys',
    scope: 'surveys:in_app',
  },
  {
    method: 'POST',
    path: `/api/v1/invitations/${ID}/response`,
    openapi: '/api/v1/invitations/{id}/response',
    scope: 'surveys:in_app',
    body: {},
  },
  { method: 'GET', path: '/api/v1/callback-tasks', openapi: '/api/v1/callback-tasks', scope: 'tasks:read' },
  {
    method: 'GET',
    path: `/api/v1/callback-tasks/${ID}`,
    openapi: '/api/v1/callback-tasks/{id}',
    scope: 'tasks:read',
  },
  { method: 'GET', path: '/api/v1/complaints', openapi: '/api/v1/complaints', scope: 'complaints:read' },
  {
    method: 'POST',
    path: '/api/v1/complaints',
    openapi: '/api/v1/complaints',
    scope: 'complaints:write',
    body: {},
  },
  {
    method: 'GET',
    path: `/api/v1/complaints/${ID}`,
    openapi: '/api/v1/complaints/{id}',
    scope: 'complaints:read',
  },
  {
    method: 'GET',
    path: '/api/v1/complaints/register?from=2026-11-01&to=2026-11-30',
    openapi: '/api/v1/complaints/register',
    scope: 'complaints:export',
  },
  {
    method: 'GET',
    path: '/api/v1/metrics?from=2026-11-01&to=2026-11-30&kind=NPS',
    openapi: '/api/v1/metrics',
    scope: 'metrics:read',
  },
  { method: 'GET', path: '/api/v1/responses', openapi: '/api/v1/responses', scope: 'responses:read' },
  {
    method: 'GET',
    path: '/api/v1/metrics/ratios?from=2026-11-01&to=2026-11-30',
    openapi: '/api/v1/metrics/ratios',
    scope: 'metrics:read',
  },
  {
    method: 'PUT',
    path: '/api/v1/counts/2026-11-01',
    openapi: '/api/v1/counts/{date}',
    scope: 'counts:write',
    body: { counts: { applications: 1 } },
  },
  {
    method: 'GET',
    path: '/api/v1/responses/export?format=csv',
    openapi: '/api/v1/responses/export',
    scope: 'responses:read',
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns',
    openapi: '/api/v1/campaigns',
    scope: 'campaigns:write',
    body: {},
  },
  {
    method: 'POST',
    path: `/api/v1/campaigns/${ID}/recipients`,
    openapi: '/api/v1/campaigns/{id}/recipients',
    scope: 'campaigns:write',
    body: { recipients: [] },
  },
  {
    method: 'GET',
    path: `/api/v1/campaigns/${ID}`,
    openapi: '/api/v1/campaigns/{id}',
    scope: 'campaigns:write',
  },
  {
    method: 'POST',
    path: `/api/v1/campaigns/${ID}/cancel`,
    openapi: '/api/v1/campaigns/{id}/cancel',
    scope: 'campaigns:write',
  },
];

describe('API access: every route × every kind of key', () => {
  let api: RunningApi;
  const keys = {} as Record<'revoked' | ApiScope, string>;

  beforeAll(async () => {
    api = await startTestApi();
    const service = api.app.get(ApiKeyService);
    for (const scope of API_SCOPES)
      keys[scope] = (await service.create(SYSTEM_ACTOR, { name: scope, scopes: [scope] })).secret;
    const revoked = await service.create(SYSTEM_ACTOR, { name: 'revoked', scopes: [...API_SCOPES] });
    await service.revoke(SYSTEM_ACTOR, revoked.id);
    keys.revoked = revoked.secret;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists every /api/v1 route of the OpenAPI document in the access table', async () => {
    const doc = await request<{ paths: Record<string, Record<string, unknown>> }>(
      `${api.baseUrl}/api/docs/openapi.json`,
    );
    const documented = Object.entries(doc.body.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(ROUTES.map((r) => `${r.method} ${r.openapi}`).sort());
  });

  it('answers each route as the table says for no key, a malformed, unknown or revoked key, and each scope', async () => {
    const seen: string[] = [];
    const expected: string[] = [];
    const call = async (route: (typeof ROUTES)[number], authorization?: string) => {
      const response = await fetch(`${api.baseUrl}${route.path}`, {
        method: route.method,
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(route.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: route.body !== undefined ? JSON.stringify(route.body) : undefined,
      });
      await response.arrayBuffer();
      return response.status;
    };
    // Anything but 401 and 403 means the key was let through (the route then judges the request itself).
    const verdict = (status: number) => (status === 401 || status === 403 ? String(status) : 'through');
    for (const route of ROUTES) {
      const label = `${route.method} ${route.openapi}`;
      for (const [who, authorization] of [
        ['no key', undefined],
        ['malformed', 'Bearer not-a-key'],
        ['unknown', `Bearer rsn_${'A'.repeat(43)}`],
        ['revoked', `Bearer ${keys.revoked}`],
      ] as const) {
        seen.push(`${label} ${who} ${verdict(await call(route, authorization))}`);
        expected.push(`${label} ${who} 401`);
      }
      for (const scope of API_SCOPES) {
        seen.push(`${label} ${scope} ${verdict(await call(route, `Bearer ${keys[scope]}`))}`);
        expected.push(
          `${label} ${scope} ${route.scope === null || route.scope === scope ? 'through' : '403'}`,
        );
      }
    }
    expect(seen).toEqual(expected);
  });
});
