import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule, WorkerOptions } from './worker.module';

export async function createWorker(options: WorkerOptions): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.register(options), {
    // Nest's module-loading chatter goes to its own logger at warn; everything after useLogger goes to pino.
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  worker.useLogger(worker.get(Logger));
  await worker.init();
  return worker;
}
