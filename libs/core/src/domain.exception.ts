/**
 * Stable machine codes of every failure the domain reports. Each transport maps every code
 * to its own status (the HTTP mapping is exhaustive in apps/api), so the domain never speaks HTTP.
 */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_request',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'idempotency_conflict',
  'stale_version',
  'already_answered',
  'invitation_expired',
  'rate_limited',
  'unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  message: string;
}

export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainException';
  }
}

export class ValidationFailedException extends DomainException {
  constructor(errors: FieldError[], message = 'The request is not valid.') {
    super('validation_failed', message, errors);
  }
}

export class NotFoundException extends DomainException {
  constructor(what: string) {
    super('not_found', `${what} was not found.`);
  }
}

/** A refusal the caller may retry after a while (a busy pool, a limit): the transport says when. */
export class RetryLaterException extends DomainException {
  constructor(
    code: 'rate_limited' | 'unavailable',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}
