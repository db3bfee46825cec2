import { errorForLog, redactUrl } from './logging.module';

describe('redactUrl', () => {
  it('logs the matched route pattern, never the values in the path (tokens, ids, whatever was typed)', () => {
    expect(redactUrl('/s/AbC123_-xyz?score=4', '/s/:token')).toBe('/s/:token');
    expect(
      redactUrl('/api/v1/borrowers/b-1001/pending-surveys', '/api/v1/borrowers/:externalId/pending-surveys'),
    ).toBe('/api/v1/borrowers/:externalId/pending-surveys');
  });

  it('keeps only the first segment of a path that matched no route, and never a query string', () => {
    expect(redactUrl('/console/nowhere/elena@example.ru')).toBe('/console/*');
    expect(redactUrl('/api/v1/complaints?phone=%2B79991234567')).toBe('/api/*');
    expect(redactUrl('/%00x')).toBe('/*');
    expect(redactUrl(undefined)).toBe('/*');
  });
});

describe('errorForLog', () => {
  it('keeps the class, codes and stack frames of a database error but never its message, which quotes input', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "elena@example.ru"'), {
      name: 'QueryFailedError',
      driverError: { code: '22P02', routine: 'string_to_uuid' },
    });
    const logged = errorForLog(error);
    expect(logged).toMatchObject({ type: 'QueryFailedError', code: '22P02', routine: 'string_to_uuid' });
    expect(logged.stack).toMatch(/^\s+at /);
    expect(JSON.stringify(logged)).not.toContain('elena@example.ru');
  });

  it('describes a value that is not an error without failing', () => {
    expect(errorForLog('boom')).toEqual({
      type: undefined,
      code: undefined,
      routine: undefined,
      stack: undefined,
    });
  });
});
