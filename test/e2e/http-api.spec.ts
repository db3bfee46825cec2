import { Body, Controller, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { SYSTEM_ACTOR } from '@app/audit';
import { ApiKeyService, IdentityModule } from '@app/identity';
import { ApiKeyAuth } from '../../apps/api/src/auth/api-key.guard';
import { ApiKeyGuard } from '../../apps/api/src/auth/api-key.guard';
import { startTestApi, RunningApi } from '../support/api-app';
import { request } from '../support/http';

class ProbeDto {
  @IsString() @MaxLength(200) name!: string;
  @IsInt() @Min(0) @Max(10) score!: number;
}

/** A route guarded by a scope, with a validated body: exercises the global pipe, guard and filter. */
@Controller('probe')
class ProbeController {
  @Post()
  @ApiKeyAuth('metrics:read')
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }
}

@Module({ imports: [IdentityModule], controllers: [ProbeController], providers: [ApiKeyGuard] })
class ProbeModule {}

describe('HTTP API foundation', () => {
  let api: RunningApi;
  let metricsKey: string;
  let otherKey: string;

  beforeAll(async () => {
    api = await startTestApi({ imports: [ProbeModule] });
    const keys = api.app.get(ApiKeyService);
    metricsKey = (await keys.create(SYSTEM_ACTOR, { name: 'metrics', scopes: ['metrics:read'] })).secret;
    otherKey = (await keys.create(SYSTEM_ACTOR, { name: 'events', scopes: ['events:write'] })).secret;
  });
  afterAll(() => api.close());

  const probe = (init: RequestInit & { json?: unknown } = {}, key: string | null = metricsKey) =>
    request(`${api.baseUrl}/probe`, {
      method: 'POST',
      ...init,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  it('answers liveness and readiness (database reachable)', async () => {
    expect((await request(`${api.baseUrl}/health`)).body).toEqual({ status: 'ok' });
    const ready = await request(`${api.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('answers unknown routes with a 404 problem+json', async () => {
    const response = await request(`${api.baseUrl}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      status: 404,
      code: 'not_found',
      title: expect.any(String),
      type: expect.any(String),
    });
  });

  it('refuses a request without an API key with 401 and WWW-Authenticate', async () => {
    const response = await probe({ json: { name: 'a', score: 1 } }, null);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toMatchObject({ code: 'unauthorized' });
  });

  it('refuses an unknown or malformed key with 401', async () => {
    expect((await probe({ json: { name: 'a', score: 1 } }, `rsn_${'x'.repeat(43)}`)).status).toBe(401);
    expect(
      (await probe({ json: { name: 'a', score: 1 }, headers: { authorization: 'Basic Zm9vOmJhcg==' } }, null))
        .status,
    ).toBe(401);
  });

  it('refuses a key without the route scope with 403', async () => {
    const response = await probe({ json: { name: 'a', score: 1 } }, otherKey);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'forbidden' });
  });

  it('refuses a revoked key with 401', async () => {
    const keys = api.app.get(ApiKeyService);
    const key = await keys.create(SYSTEM_ACTOR, { name: 'soon revoked', scopes: ['metrics:read'] });
    expect((await probe({ json: { name: 'a', score: 1 } }, key.secret)).status).toBe(201);
    await keys.revoke(SYSTEM_ACTOR, key.id);
    expect((await probe({ json: { name: 'a', score: 1 } }, key.secret)).status).toBe(401);
  });

  it('accepts a valid body with the right scope', async () => {
    const response = await probe({ json: { name: 'Елена 👋', score: 10 } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ name: 'Елена 👋', score: 10 });
  });

  it.each([
    ['an unknown field', { name: 'a', score: 1, role: 'admin' }, 'role'],
    ['a missing field', { name: 'a' }, 'score'],
    ['a wrong type', { name: 'a', score: '4' }, 'score'],
    ['null', { name: null, score: 1 }, 'name'],
    ['an out-of-range number', { name: 'a', score: 11 }, 'score'],
    ['a non-integer', { name: 'a', score: 4.5 }, 'score'],
    ['a 10k string', { name: 'x'.repeat(10_000), score: 1 }, 'name'],
  ])('answers %s with 400 validation_failed naming the field', async (_, json, path) => {
    const response = await probe({ json });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'validation_failed',
      errors: expect.arrayContaining([expect.objectContaining({ path })]),
    });
  });

  it('answers malformed JSON with 400', async () => {
    const response = await probe({ body: '{"name": "a", ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'malformed_request' });
  });

  it('answers JSON nested thousands deep with 400, not a crash', async () => {
    const body = '['.repeat(5_000) + ']'.repeat(5_000);
    const response = await probe({ body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'malformed_request' });
  });

  it('answers a body over 1 MiB with 413', async () => {
    const response = await probe({ json: { name: 'x'.repeat(1_100_000), score: 1 } });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers an unsupported content type with 415', async () => {
    const response = await probe({ body: 'name=a', headers: { 'content-type': 'text/csv' } });
    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('refuses prototype-poisoning keys', async () => {
    const response = await probe({
      body: '{"name":"a","score":1,"__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });

  it('serves Prometheus metrics labelled by route pattern', async () => {
    await request(`${api.baseUrl}/health`);
    const response = await fetch(`${api.baseUrl}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('resonance_http_request_duration_seconds_bucket');
    expect(text).toMatch(/route="\/health"/);
    expect(text).toContain('resonance_process_cpu_user_seconds_total');
  });

  it('serves the OpenAPI document and its UI', async () => {
    const doc = await request<{
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    }>(`${api.baseUrl}/api/docs/openapi.json`);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/health/ready', '/api/v1/api-keys/current']),
    );
    expect(doc.body.components.securitySchemes).toHaveProperty('bearer');
    const ui = await fetch(`${api.baseUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('tells an integrator which key and scopes it is using', async () => {
    const response = await request(`${api.baseUrl}/api/v1/api-keys/current`, {
      headers: { authorization: `Bearer ${otherKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'events', scopes: ['events:write'] });
  });

  it('sends security headers on every response', async () => {
    for (const path of ['/health', '/no/such/route', '/api/docs/openapi.json']) {
      const response = await fetch(`${api.baseUrl}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    }
  });
});
