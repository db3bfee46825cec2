import './aliases';
import { rmSync } from 'node:fs';
import type { EmbeddedPostgres } from '@app/database';

export default async function globalTeardown(): Promise<void> {
  const test = (globalThis as { __resonanceTestServer?: { server: EmbeddedPostgres; dir: string } })
    .__resonanceTestServer;
  if (!test) return;
  await test.server.stop();
  rmSync(test.dir, { recursive: true, force: true });
}
