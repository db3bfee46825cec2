import './aliases';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations, startEmbeddedPostgres, withDatabaseName } from '@app/database';
import { TEMPLATE_DATABASE } from './test-database';

/**
 * One throwaway PostgreSQL for the whole run (or TEST_DATABASE_URL's server), with a template
 * database already migrated: each test file clones it in a few hundred milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    // Under the OS temp folder: a checkout in a 0700 home is not reachable by the postgres OS user.
    const dir = mkdtempSync(join(tmpdir(), 'resonance-test-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: dir, durable: false });
    adminUrl = server.url;
    (globalThis as { __resonanceTestServer?: unknown }).__resonanceTestServer = { server, dir };
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabaseName(adminUrl, TEMPLATE_DATABASE));
  process.env.RESONANCE_TEST_ADMIN_URL = adminUrl;
}
