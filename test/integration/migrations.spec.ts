import { Client } from 'pg';
import { revertLastMigration, runMigrations } from '@app/database';
import { MIGRATIONS } from '@migrations';
import { createTestDatabase, TestDatabase } from '../support/test-database';

async function tables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migration' ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

const CORE_TABLES = [
  'api_key',
  'audit_log',
  'borrower',
  'callback_attempt',
  'callback_task',
  'complaint',
  'contact_event',
  'invitation',
  'message',
  'response',
  'staff_user',
  'survey',
  'working_day',
];

describe('migrations', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await createTestDatabase({ empty: true })));
  afterEach(() => db.drop());

  it('apply on an empty database and create every core table of the domain model', async () => {
    const applied = await runMigrations(db.url);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables(db.url)).toEqual(expect.arrayContaining(CORE_TABLES));
  });

  it('are reversible: reverting every migration leaves no table, and they apply again', async () => {
    await runMigrations(db.url);
    for (let i = 0; i < MIGRATIONS.length; i++) await revertLastMigration(db.url);
    expect(await tables(db.url)).toEqual([]);
    expect(await runMigrations(db.url)).toHaveLength(MIGRATIONS.length);
    expect(await tables(db.url)).toEqual(expect.arrayContaining(CORE_TABLES));
  });

  it('run once when several processes start together (advisory lock)', async () => {
    const results = await Promise.all([runMigrations(db.url), runMigrations(db.url), runMigrations(db.url)]);
    expect(results.flat()).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await runMigrations(db.url)).toEqual([]);
  });
});
