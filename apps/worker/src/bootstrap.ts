import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppLogger } from '@app/core';
import { WorkerModule, WorkerOptions } from './worker.module';

export async function createWorker(options: WorkerOptions): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.register(options), {
    // Nest's module-loading chatter goes to its own logger at warn; after useLogger, to pino (its start-up narration at debug).
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  worker.useLogger(worker.get(AppLogger));
  await worker.init();
  return worker;
}
