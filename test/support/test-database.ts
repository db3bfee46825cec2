import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabaseName } from '@app/database';

export const TEMPLATE_DATABASE = 'resonance_test_template';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  // Set by the global setup; jest's workers inherit its environment.
  const url = process.env.RESONANCE_TEST_ADMIN_URL;
  if (!url) throw new Error('RESONANCE_TEST_ADMIN_URL is not set: run the tests through jest (npm test).');
  return url;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file: a clone of the migrated template, or (`empty: true`)
 * a blank one for migration tests.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `resonance_test_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : TEMPLATE_DATABASE;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: withDatabaseName(adminUrl(), name),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

export function adminDatabaseUrl(): string {
  return adminUrl();
}
