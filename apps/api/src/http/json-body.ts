import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DomainException } from '@app/core';

export const BODY_LIMIT_BYTES = 1_048_576;
export const MAX_JSON_DEPTH = 32;

/** Depth of nested arrays/objects, walked without recursion so a hostile body cannot overflow the stack. */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * JSON bodies go through Fastify's own parser (prototype-poisoning safe), then a depth check:
 * a body nested thousands deep is refused with 400 instead of overflowing a validator's recursion.
 */
export function useJsonBodyParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // Fastify parses text/plain by default; nothing here takes it, so it is a 415 like any other type.
  fastify.removeContentTypeParser('text/plain');
  const parse = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser(
    ['application/json', 'application/problem+json'],
    { bodyLimit: BODY_LIMIT_BYTES },
    (req, body, done) => {
      parse(req as Parameters<typeof parse>[0], body.toString('utf8'), (error, parsed) => {
        if (error) return done(error as Error, undefined);
        if (jsonDepth(parsed) > MAX_JSON_DEPTH) {
          return done(
            new DomainException('malformed_request', `JSON nested deeper than ${MAX_JSON_DEPTH} levels.`),
            undefined,
          );
        }
        done(null, parsed);
      });
    },
  );
}
