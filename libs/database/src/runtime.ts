import { join } from 'node:path';
import { ensureAppRole } from './connection';
import { EmbeddedPostgres, readPassword, startEmbeddedPostgres } from './embedded-postgres';
import { runMigrations } from './migrations';

export interface DatabaseRuntime {
  url: string;
  /** The embedded server when this process runs on the embedded default. */
  embedded: EmbeddedPostgres | null;
  /** Migrations applied by this start-up. */
  applied: string[];
  /** Stops the embedded server if this process started it; otherwise nothing. */
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE_NAME = 'resonance';

/**
 * Resolves the database a process runs on: `DATABASE_URL`, or the embedded server under
 * `DATA_DIR` (attaching to one already running there), then applies pending migrations.
 */
export async function openDatabase(
  source: { databaseUrl: string | null; dataDir: string },
  options: { migrate: boolean } = { migrate: true },
): Promise<DatabaseRuntime> {
  let embedded: EmbeddedPostgres | null = null;
  let url = source.databaseUrl;
  try {
    if (!url) {
      embedded = await startEmbeddedPostgres({ dataDir: source.dataDir });
      url = await ensureAppRole(
        embedded.url,
        EMBEDDED_DATABASE_NAME,
        readPassword(join(source.dataDir, 'resonance-password')),
      );
    }
    const applied = options.migrate ? await runMigrations(url) : [];
    return { url, embedded, applied, stop: async () => embedded?.stop() };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
