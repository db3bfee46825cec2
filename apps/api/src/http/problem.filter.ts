import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainException, ErrorCode, errorForLog, FieldError, RetryLaterException } from '@app/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Every domain code has exactly one HTTP status; the compiler checks the table is complete. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_conflict: 409,
  stale_version: 409,
  already_answered: 409,
  invitation_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'malformed_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'invitation_expired',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'Validation failed',
  malformed_request: 'Malformed request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  payload_too_large: 'Payload too large',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
  unavailable: 'Service unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

export function toProblem(error: unknown): Problem {
  let code: ErrorCode;
  let detail: string;
  let errors: FieldError[] | undefined;
  if (error instanceof DomainException) {
    code = error.code;
    detail = error.message;
    errors = error.errors;
  } else if (error instanceof HttpException) {
    const status = error.getStatus();
    code = CODE_BY_STATUS[status] ?? (status < 500 ? 'malformed_request' : 'internal_error');
    detail = status === 404 ? 'No such resource.' : error.message;
  } else if (isDatabaseUnavailable(error)) {
    // The database restarting or unreachable: nothing was acknowledged, so the client retries.
    code = 'unavailable';
    detail = 'The database is not reachable at the moment. Retry shortly with the same request.';
  } else if (isClientError(error)) {
    // Fastify's own errors (body too large, bad JSON, bad content type) carry a 4xx statusCode.
    code = CODE_BY_STATUS[error.statusCode] ?? 'malformed_request';
    detail = error.message;
  } else {
    code = 'internal_error';
    detail = 'Something went wrong on our side. It has been logged.';
  }
  // However the framework reports it, a body too large is said the same way, with the limits.
  if (code === 'payload_too_large')
    detail =
      'The request body is larger than this endpoint takes: 1 MiB, or 16 MiB for a campaign and its recipients.';
  const status = STATUS_BY_CODE[code];
  return {
    type: `https://resonance.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[code] ?? code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
  };
}

/**
 * A lost or refused database connection (PostgreSQL restarting, failing over, unreachable), as opposed
 * to an error in a query: SQLSTATE classes 08 (connection) and 57P (shutdown), socket errors, pg's own.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.driverError) return isDatabaseUnavailable(e.driverError);
  // TypeORM's answer to a query on a transaction whose connection has just died.
  const name = (e as { name?: unknown }).name;
  const type = (e as object).constructor?.name;
  if (
    [name, type].some(
      (n) => n === 'QueryRunnerAlreadyReleasedError' || n === 'QueryRunnerProviderAlreadyReleasedError',
    )
  )
    return true;
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^08|^57P0[1-3]$/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))
    return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(
    message,
  );
}

function isClientError(error: unknown): error is { statusCode: number; message: string } {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      this.logger.error({ err: errorForLog(error), reqId: request.id }, 'Unhandled error');
    }
    if (problem.code === 'unauthorized') reply.header('WWW-Authenticate', 'Bearer');
    if (error instanceof RetryLaterException) reply.header('Retry-After', String(error.retryAfterSeconds));
    else if (problem.code === 'unavailable') reply.header('Retry-After', '1');
    else if (problem.code === 'rate_limited') reply.header('Retry-After', '60');
    void reply.status(problem.status).type('application/problem+json').send(problem);
  }
}
