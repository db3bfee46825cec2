import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '@app/config';
import { Clock } from '@app/core';
import { ApiOptions } from '../../apps/api/src/app.module';
import { createApi } from '../../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase } from './test-database';
import { listen } from './http';

export const TEST_APP_SECRET = 'test-app-secret-0123456789abcdefghijklmnop';

export interface RunningApi {
  app: NestFastifyApplication;
  baseUrl: string;
  db: TestDatabase;
  config: AppConfig;
  close(): Promise<void>;
}

/** The real API application on its own test database, listening on loopback. */
export async function startTestApi(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    imports?: ApiOptions['imports'];
    logDestination?: NodeJS.WritableStream;
  } = {},
): Promise<RunningApi> {
  const db = await createTestDatabase();
  const config = loadConfig(
    { DATABASE_URL: db.url, APP_SECRET: TEST_APP_SECRET, LOG_LEVEL: 'silent', ...options.env },
    { standalone: false },
  );
  const app = await createApi({
    config,
    databaseUrl: db.url,
    clock: options.clock,
    imports: options.imports,
    logDestination: options.logDestination,
  });
  const baseUrl = await listen(app);
  return {
    app,
    baseUrl,
    db,
    config,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
