import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { AuditModule, SYSTEM_ACTOR } from '@app/audit';
import { ConfigModule, loadConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ApiKeyService, IdentityModule } from '@app/identity';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('ApiKeyService on PostgreSQL', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let keys: ApiKeyService;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: db.url, APP_SECRET: 's'.repeat(40) }, { standalone: false });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ url: db.url, applicationName: 'test' }),
        AuditModule,
        IdentityModule,
      ],
    }).compile();
    app = await moduleRef.init();
    keys = app.get(ApiKeyService);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('stores only a hash of the secret and authenticates with the secret', async () => {
    const created = await keys.create(SYSTEM_ACTOR, { name: 'CRM', scopes: ['events:write', 'tasks:read'] });
    expect(created.secret).toMatch(/^rsn_[A-Za-z0-9_-]{43}$/);
    const { rows } = await sql.query(`SELECT row_to_json(k)::text AS row FROM api_key k WHERE id = $1`, [
      created.id,
    ]);
    expect(rows[0].row).not.toContain(created.secret);
    expect(rows[0].row).not.toContain(created.secret.slice(12));
    await expect(keys.authenticate(created.secret)).resolves.toEqual({
      id: created.id,
      name: 'CRM',
      scopes: ['events:write', 'tasks:read'],
    });
  });

  it('refuses unknown, malformed and revoked secrets', async () => {
    const created = await keys.create(SYSTEM_ACTOR, { name: 'Old key', scopes: ['metrics:read'] });
    await expect(keys.authenticate(`rsn_${'A'.repeat(43)}`)).resolves.toBeNull();
    await expect(keys.authenticate("' OR 1=1 --")).resolves.toBeNull();
    await expect(keys.authenticate('')).resolves.toBeNull();
    await keys.revoke(SYSTEM_ACTOR, created.id);
    await expect(keys.authenticate(created.secret)).resolves.toBeNull();
  });

  it('rejects unknown scopes and empty names, writing nothing', async () => {
    const before = (await sql.query(`SELECT count(*)::int AS n FROM api_key`)).rows[0].n;
    await expect(keys.create(SYSTEM_ACTOR, { name: 'x', scopes: ['admin:all'] })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(keys.create(SYSTEM_ACTOR, { name: '  ', scopes: ['tasks:read'] })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect((await sql.query(`SELECT count(*)::int AS n FROM api_key`)).rows[0].n).toBe(before);
  });

  it('audits creation and revocation without the secret', async () => {
    const created = await keys.create(SYSTEM_ACTOR, { name: 'Audited', scopes: ['tasks:read'] });
    await keys.revoke(SYSTEM_ACTOR, created.id);
    const { rows } = await sql.query(
      `SELECT action, after::text FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [created.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(JSON.stringify(rows)).not.toContain(created.secret);
  });
});
