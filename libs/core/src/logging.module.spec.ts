import { redactUrl } from './logging.module';

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
