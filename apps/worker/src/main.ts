import 'reflect-metadata';
import { loadConfig, runProcess } from '@app/config';
import { openDatabase } from '@app/database';
import { createWorker } from './bootstrap';

runProcess('resonance-worker', async () => {
  const config = loadConfig(process.env, { standalone: false });
  const database = await openDatabase(config);
  const worker = await createWorker({ config, databaseUrl: database.url });
  return async () => {
    await worker.close();
    await database.stop();
  };
});
