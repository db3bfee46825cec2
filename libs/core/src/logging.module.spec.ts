import { errorForLog, redactUrl } from './logging.module';

describe('redactUrl', () => {
  it('masks survey and unsubscribe tokens in paths', () => {
    expect(redactUrl('/s/AbC123_-xyz?score=4')).toBe('/s/:token');
    expect(redactUrl('/u/AbC123_-xyz')).toBe('/u/:token');
    expect(redactUrl('/s/AbC123/thanks')).toBe('/s/:token/thanks');
  });

  it('drops query strings, which can carry filters with personal data', () => {
    expect(redactUrl('/api/v1/complaints?phone=%2B79991234567')).toBe('/api/v1/complaints');
  });

  it('keeps ordinary paths as they are', () => {
    expect(redactUrl('/api/v1/contact-events')).toBe('/api/v1/contact-events');
    expect(redactUrl(undefined)).toBe('');
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
