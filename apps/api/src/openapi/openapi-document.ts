import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { FieldErrorDto, ProblemDto } from '../http/problem.dto';

type Operation = {
  summary?: string;
  description?: string;
  parameters?: ({ name?: string; in?: string; $ref?: string } & Record<string, unknown>)[];
  requestBody?: unknown;
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
  'x-scopes'?: string[];
};

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } };

/** Keyset pagination, described once: every list takes these two and answers `{ items, nextCursor }`. */
const PAGE_PARAMETERS: NonNullable<NonNullable<OpenAPIObject['components']>['parameters']> = {
  Limit: {
    name: 'limit',
    in: 'query' as const,
    required: false,
    description: 'Items per page',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
  Cursor: {
    name: 'cursor',
    in: 'query' as const,
    required: false,
    description:
      'Keyset pagination: the `nextCursor` of the previous page, opaque; omit for the first page. A page is ' +
      'stable under inserts (no row is skipped or repeated); `nextCursor` is null on the last page.',
    schema: { type: 'string', maxLength: 500 },
  },
};

/**
 * What every operation shares, applied once: errors as problem+json with the Problem schema, a 400
 * where the operation takes input, the page parameters by reference, the scopes an operation needs
 * in its description.
 */
function finish(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    parameters: { ...document.components?.parameters, ...PAGE_PARAMETERS },
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      operation.parameters = operation.parameters?.map((p) =>
        p.in === 'query' && p.name === 'limit'
          ? { $ref: '#/components/parameters/Limit' }
          : p.in === 'query' && p.name === 'cursor'
            ? { $ref: '#/components/parameters/Cursor' }
            : p,
      );
      const takesInput = Boolean(operation.requestBody) || (operation.parameters?.length ?? 0) > 0;
      if (takesInput && !operation.responses['400'])
        operation.responses['400'] = { description: 'validation_failed, with errors[{ path, message }]' };
      for (const [status, response] of Object.entries(operation.responses))
        if (Number(status) >= 400) response.content = PROBLEM;
      const scopes = operation['x-scopes'];
      if (scopes?.length)
        operation.description = `${operation.description ? `${operation.description}\n\n` : ''}Scope: ${scopes.map((s) => `\`${s}\``).join(', ')}.`;
    }
  }
  return document;
}

/**
 * The OpenAPI document of the integration API, built from the same DTO classes the server validates
 * with. Served at /api/docs; `npm run openapi` writes it to docs/openapi.json for client generators.
 */
export function openApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  return finish(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Resonance API')
        .setDescription(
          'Contact events in, surveys out, low scores become callback tasks and complaints, and every ' +
            'complaint from every channel goes into one register. Errors are `application/problem+json` ' +
            'with a stable `code`. Lists are keyset-paginated (`limit`, `cursor` → `nextCursor`).',
        )
        .setVersion('1')
        .setLicense('MIT', 'https://opensource.org/licenses/MIT')
        .addServer(config.publicBaseUrl)
        .addBearerAuth({
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'opaque',
          description:
            'An API key (`rsn_…`), created in the console or with `npm run cli -- api-key:create`: an opaque token, not a JWT.',
        })
        .build(),
      { extraModels: [ProblemDto, FieldErrorDto] },
    ),
  );
}
