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

type SchemaNode = Record<string, unknown>;

/**
 * An example built from a schema: the example of each property where the DTO gives one, else a value
 * of its type and format. Every request and success body of the document gets one, and the typed-client
 * test validates them against the schema like a real response.
 */
function exampleOf(schema: SchemaNode | undefined, schemas: Record<string, SchemaNode>, depth = 0): unknown {
  if (!schema || depth > 24) return null;
  if (schema.example !== undefined) return schema.example;
  if (typeof schema.$ref === 'string')
    return exampleOf(schemas[schema.$ref.split('/').pop()!], schemas, depth + 1);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const parts = schema[key] as SchemaNode[] | undefined;
    if (parts?.length)
      return key === 'allOf'
        ? Object.assign({}, ...parts.map((p) => exampleOf(p, schemas, depth + 1) as object))
        : exampleOf(parts[0], schemas, depth + 1);
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
      if (Object.keys(properties).length === 0) return {};
      return Object.fromEntries(
        Object.entries(properties).map(([k, v]) => [k, exampleOf(v, schemas, depth + 1)]),
      );
    }
    case 'array':
      return [exampleOf(schema.items as SchemaNode, schemas, depth + 1)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'date-time'
        ? '2026-11-30T13:40:00.000Z'
        : schema.format === 'uuid'
          ? '3f0c6a52-8d4e-4c8b-9a51-2b7d0e6f1a90'
          : schema.format === 'binary'
            ? undefined
            : 'text';
    default:
      return null;
  }
}

/**
 * What every operation shares, applied once: errors as problem+json with the Problem schema, a 400
 * where the operation takes input, the page parameters by reference, the scopes an operation needs
 * in its description, an example of every JSON body.
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
      const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
      const bodies = [
        ...Object.entries(operation.responses)
          .filter(([status]) => Number(status) < 300)
          .map(([, response]) => response.content),
        (operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content,
      ];
      for (const content of bodies) {
        const json = content?.['application/json'] as { schema?: SchemaNode; example?: unknown } | undefined;
        if (json?.schema && json.example === undefined) json.example = exampleOf(json.schema, schemas);
      }
      const scopes = operation['x-scopes'];
      if (scopes)
        operation.description = `${operation.description ? `${operation.description}\n\n` : ''}Scope: ${scopes.length ? scopes.map((s) => `\`${s}\``).join(', ') : 'any valid key'}.`;
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
