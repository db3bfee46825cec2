import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/config';
import { AppModule } from '../app.module';
import { openApiDocument } from './openapi-document';

/**
 * Writes the OpenAPI document without a database: the application in preview mode (modules and
 * controllers read, nothing instantiated or connected). `npm run openapi [-- FILE]`.
 */
async function main(): Promise<void> {
  const config = loadConfig(
    {
      DATABASE_URL: 'postgres://openapi@localhost/openapi',
      APP_SECRET: 'openapi-document-only-0123456789abcdef',
      PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'http://localhost:3000',
      LOG_LEVEL: 'silent',
    },
    { standalone: false },
  );
  const app = await NestFactory.create(
    AppModule.register({ config, databaseUrl: config.databaseUrl! }),
    new FastifyAdapter(),
    {
      preview: true,
      logger: false,
    },
  );
  const json = `${JSON.stringify(openApiDocument(app, config), null, 2)}\n`;
  const out = process.argv[2];
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
  await app.close();
}

void main();
