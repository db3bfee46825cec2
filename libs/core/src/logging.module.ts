import { DynamicModule, Injectable, Module, RequestMethod } from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import pretty from 'pino-pretty';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Set on the raw request by the HTTP app once routed: the route's pattern, e.g. `/s/:token`. */
export const ROUTE_PATTERN = Symbol('resonance.routePattern');

/**
 * The path as it may be logged: the matched route's pattern (`/api/v1/invitations/:id`), never the
 * values in it, which can be tokens, borrowers' ids or whatever a client typed; for a path that
 * matched no route, its first segment only. Query strings never (filters can carry personal data).
 */
export function redactUrl(url: string | undefined, pattern?: unknown): string {
  if (typeof pattern === 'string' && pattern !== '') return pattern;
  const first = /^\/([a-z][a-z0-9-]{0,30})(?=[/?#]|$)/.exec(url ?? '');
  return first ? `/${first[1]}/*` : '/*';
}

/**
 * An error as it may be logged: its class, its code (SQLSTATE, errno) and PostgreSQL's routine, and the
 * stack's frames, but never its message, which can quote input (`invalid input syntax for type uuid:
 * "<what the client sent>"`, a constraint's `Key (email)=(...)`).
 */
export function errorForLog(error: unknown): {
  type?: string;
  code?: string;
  routine?: string;
  stack?: string;
} {
  const e = (error && typeof error === 'object' ? error : {}) as {
    name?: unknown;
    code?: unknown;
    routine?: unknown;
    stack?: unknown;
    driverError?: unknown;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 100) : undefined);
  const driver = (e.driverError ?? {}) as { code?: unknown; routine?: unknown };
  const frames =
    typeof e.stack === 'string'
      ? e.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : undefined;
  return {
    type: text(e.name),
    code: text(e.code) ?? text(driver.code),
    routine: text(e.routine) ?? text(driver.routine),
    stack: frames,
  };
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
                req: (req: IncomingMessage & { id?: unknown; [ROUTE_PATTERN]?: unknown }) => ({
                  id: req.id,
                  method: req.method,
                  url: redactUrl(req.url, req[ROUTE_PATTERN]),
                }),
                res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
                err: errorForLog,
              },
              redact: {
                paths: ['req.headers', 'res.headers', 'body', '*.password', '*.secret', '*.token'],
                remove: true,
              },
            },
            options.destination ?? terminalOrStdout(),
          ],
        }),
      ],
      providers: [AppLogger],
      exports: [AppLogger],
    };
  }
}

/** Readable lines for a person at a terminal; JSON, one object a line, for everything else. */
function terminalOrStdout(): NodeJS.WritableStream {
  if (!process.stdout.isTTY) return process.stdout;
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
    singleLine: true,
  });
}

/** Nest's own start-up narration (modules loaded, every route mapped): useful when debugging, noise otherwise. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'NestApplication',
  'NestApplicationContext',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
]);

/** The app's logger: pino, with the framework's start-up chatter moved down to debug. */
@Injectable()
export class AppLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context))
      super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
