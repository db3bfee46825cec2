import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import { AppLogger, ROUTE_PATTERN } from '@app/core';
import type { FastifyInstance } from 'fastify';
import { ApiOptions, AppModule } from './app.module';
import { CAMPAIGN_BODY_LIMIT_BYTES } from './campaigns/campaigns.controller';
import { BODY_LIMIT_BYTES, useJsonBodyParser } from './http/json-body';
import { StorableInputGuard } from './http/storable-input.guard';
import { useUploads } from './http/uploads';
import { createValidationPipe } from './http/validation.pipe';
import { openApiDocument } from './openapi/openapi-document';
import { PrometheusService } from './observability/prometheus.service';

/** Builds the HTTP application (not yet listening); shared by `main.ts` and the e2e tests. */
export async function createApi(options: ApiOptions): Promise<NestFastifyApplication> {
  // A trailing slash names the same page or resource (`/console/complaints/` is the register).
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    // Nest's module-loading chatter goes to its own logger at warn; after useLogger, to pino (its start-up narration at debug).
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  app.useLogger(app.get(AppLogger));
  // Security headers on every response; public pages set their own, stricter CSP with a nonce.
  await app.register(helmet as unknown as Parameters<NestFastifyApplication['register']>[0], {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie as unknown as Parameters<NestFastifyApplication['register']>[0]);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // Campaign pages carry up to 10,000 recipients; every other body stays within 1 MiB.
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/campaigns')) route.bodyLimit = CAMPAIGN_BODY_LIMIT_BYTES;
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request.raw as { [ROUTE_PATTERN]?: unknown })[ROUTE_PATTERN] = request.routeOptions.url;
    done();
  });
  useJsonBodyParser(app);
  await useUploads(app);
  app.useGlobalGuards(new StorableInputGuard());
  app.useGlobalPipes(createValidationPipe());
  app.get(PrometheusService).instrument(fastify);

  const document = openApiDocument(app, options.config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  await app.init();
  return app;
}
