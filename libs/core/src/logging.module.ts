import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths whose last segment is a credential (survey and unsubscribe tokens). */
const TOKEN_PATHS = /^\/(s|u)\/[^/?#]+/;

/** The path only, with tokens masked: query strings can carry filters with personal data. */
export function redactUrl(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return path.replace(TOKEN_PATHS, (_, kind: string) => `/${kind}/:token`);
}

/**
 * Structured pino logs. Requests are logged by method, masked path, status and time: never headers
 * (keys, cookies), bodies or query strings, so no phone, email, token or comment reaches a log.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: {
    level: string;
    http: boolean;
    destination?: NodeJS.WritableStream;
  }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // nestjs-pino's default route ('{/*splat}') matches nothing under Fastify here; '*splat' matches every path.
          forRoutes: [{ path: '*splat', method: RequestMethod.ALL }],
          pinoHttp: [
            {
              level: options.level,
              autoLogging: options.http
                ? { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') }
                : false,
              quietReqLogger: true,
              serializers: {
                req: (req: IncomingMessage & { id?: unknown }) => ({
                  id: req.id,
                  method: req.method,
                  url: redactUrl(req.url),
                }),
                res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
                err: (err: Error & { code?: string }) => ({
                  type: err.name,
                  code: err.code,
                  message: err.message,
                  stack: err.stack,
                }),
              },
              redact: {
                paths: ['req.headers', 'res.headers', 'body', '*.password', '*.secret', '*.token'],
                remove: true,
              },
            },
            options.destination ?? process.stdout,
          ],
        }),
      ],
    };
  }
}
