import 'reflect-metadata';
import { loadConfig, runProcess } from '@app/config';
import { openDatabase } from '@app/database';
import { DemoDataService } from '@app/demo';
// With RUN_WORKER (the default of `npm start`) this process also hosts the worker's jobs.
import { JobsModule } from '@app/jobs';
import { startupBanner } from './banner';
import { createApi } from './bootstrap';

const standalone = process.argv.includes('--standalone');

runProcess('resonance', async () => {
  const started = Date.now();
  const config = loadConfig(process.env, { standalone });
  const database = await openDatabase(config);
  try {
    const api = await createApi({
      config,
      databaseUrl: database.url,
      imports: config.runWorker ? [JobsModule] : [],
    });
    const seeder = api.get(DemoDataService);
    await seeder.ensureBootstrapAdmin();
    const demo = config.demoData ? await seeder.seedDemo() : null;
    await api.listen({ port: config.port, host: config.host });

    const port = (api.getHttpServer().address() as { port: number }).port;
    const address = config.port === 0 ? `http://localhost:${port}` : config.publicBaseUrl;
    if (standalone || demo)
      process.stdout.write(startupBanner(config, address, demo, Date.now() - started) + '\n');

    return async () => {
      await api.close();
      await database.stop();
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
});
