import { NotFoundException as HttpNotFound, PayloadTooLargeException } from '@nestjs/common';
import { DomainException, ERROR_CODES, ValidationFailedException } from '@app/core';
import { isDatabaseUnavailable, STATUS_BY_CODE, toProblem } from './problem.filter';
import { jsonDepth, MAX_JSON_DEPTH } from './json-body';

describe('toProblem', () => {
  it('maps every domain code to a status, 4xx for the client and 5xx only for our side', () => {
    for (const code of ERROR_CODES) {
      const status = STATUS_BY_CODE[code];
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status < 500).toBe(!['internal_error', 'unavailable'].includes(code));
    }
  });

  it('carries field errors of a validation failure', () => {
    const problem = toProblem(
      new ValidationFailedException([{ path: 'borrower.phone', message: 'must be E.164' }]),
    );
    expect(problem).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [{ path: 'borrower.phone', message: 'must be E.164' }],
    });
  });

  it('maps domain conflicts to 409 and expiry to 410', () => {
    expect(toProblem(new DomainException('idempotency_conflict', 'x')).status).toBe(409);
    expect(toProblem(new DomainException('invitation_expired', 'x')).status).toBe(410);
  });

  it('maps framework HTTP errors and Fastify client errors by status', () => {
    expect(toProblem(new HttpNotFound()).code).toBe('not_found');
    expect(toProblem(new PayloadTooLargeException()).code).toBe('payload_too_large');
    expect(toProblem(Object.assign(new Error('bad json'), { statusCode: 400 })).code).toBe(
      'malformed_request',
    );
    expect(toProblem(Object.assign(new Error('too big'), { statusCode: 413 })).status).toBe(413);
  });

  it('hides the message of an unexpected error', () => {
    const problem = toProblem(new Error('duplicate key value (phone)=(+79991234567)'));
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('+7999');
  });
});

describe('a lost database connection', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006', message: 'connection failure' }],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [new Error('Connection terminated unexpectedly')],
    [{ driverError: { code: '57P03', message: 'the database system is starting up' } }],
    [Object.assign(new Error('Query runner already released.'), { name: 'QueryRunnerAlreadyReleasedError' })],
  ])('is 503 unavailable, for the client to retry: %j', (error) => {
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'unavailable' });
  });

  it('is not confused with an error in a query', () => {
    expect(
      toProblem({ code: '23505', message: 'duplicate key value violates unique constraint' }),
    ).toMatchObject({
      status: 500,
    });
    expect(isDatabaseUnavailable({ code: '42P01', message: 'relation does not exist' })).toBe(false);
  });
});

describe('jsonDepth', () => {
  it('counts nesting of objects and arrays', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: 1 })).toBe(1);
    expect(jsonDepth({ a: [{ b: 2 }] })).toBe(3);
  });

  it('stops early on hostile nesting without recursion', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});
