import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const SECRET = 'x'.repeat(40);
const DB = 'postgres://u:p@127.0.0.1:5432/resonance';

function fails(env: Record<string, string>, standalone = false): ConfigError {
  try {
    loadConfig(env, { standalone }, '/tmp');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the contract defaults for a production process with a database', () => {
    const config = loadConfig({ DATABASE_URL: DB, APP_SECRET: SECRET }, { standalone: false }, '/srv/app');
    expect(config).toMatchObject({
      databaseUrl: DB,
      dataDir: '/srv/app/.data',
      port: 3000,
      host: '127.0.0.1',
      publicBaseUrl: 'http://localhost:3000',
      defaultLocale: 'ru',
      smtp: null,
      emailFrom: 'Resonance <no-reply@localhost>',
      twilio: null,
      smsSenderMps: 1,
      runWorker: false,
      demoData: false,
      logLevel: 'info',
      bootstrapAdmin: null,
    });
    expect(config.embedded).toBe(false);
  });

  it('runs the worker in-process and seeds demo data by default under npm start on the embedded database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const config = loadConfig({ DATA_DIR: dataDir }, { standalone: true });
    expect(config.embedded).toBe(true);
    expect(config.runWorker).toBe(true);
    expect(config.demoData).toBe(true);
  });

  it('generates APP_SECRET once into DATA_DIR in embedded mode and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const first = loadConfig({ DATA_DIR: dataDir }, { standalone: true }).appSecret;
    const second = loadConfig({ DATA_DIR: dataDir }, { standalone: true }).appSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(readFileSync(join(dataDir, 'app-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dataDir, 'app-secret')).mode & 0o077).toBe(0);
  });

  it.each([
    [{ APP_SECRET: SECRET }, 'DATABASE_URL', false],
    [{ DATABASE_URL: 'mysql://x@y/z', APP_SECRET: SECRET }, 'DATABASE_URL', false],
    [{ DATABASE_URL: DB }, 'APP_SECRET', false],
    [{ DATABASE_URL: DB, APP_SECRET: 'short' }, 'APP_SECRET', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, PORT: 'eighty' }, 'PORT', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, PORT: '70000' }, 'PORT', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, PUBLIC_BASE_URL: 'ftp://x' }, 'PUBLIC_BASE_URL', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, DEFAULT_LOCALE: 'de' }, 'DEFAULT_LOCALE', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, SMTP_URL: 'http://mail' }, 'SMTP_URL', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, EMAIL_FROM: 'a@b.c\r\nBcc: x@y.z' }, 'EMAIL_FROM', false],
    [
      {
        DATABASE_URL: DB,
        APP_SECRET: SECRET,
        TWILIO_ACCOUNT_SID: 'nope',
        TWILIO_AUTH_TOKEN: 't',
        TWILIO_FROM: '+15005550006',
      },
      'TWILIO_ACCOUNT_SID',
      false,
    ],
    [
      {
        DATABASE_URL: DB,
        APP_SECRET: SECRET,
        TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
        TWILIO_FROM: '+15005550006',
      },
      'TWILIO_AUTH_TOKEN',
      false,
    ],
    [
      {
        DATABASE_URL: DB,
        APP_SECRET: SECRET,
        TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 't',
      },
      'TWILIO_FROM',
      false,
    ],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, SMS_SENDER_MPS: '0' }, 'SMS_SENDER_MPS', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, RUN_WORKER: 'maybe' }, 'RUN_WORKER', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, DEMO_DATA: 'sure' }, 'DEMO_DATA', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', false],
    [
      { DATABASE_URL: DB, APP_SECRET: SECRET, LENDER_NAME: 'A very long lender name indeed' },
      'LENDER_NAME',
      false,
    ],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, LENDER_NAME: '<script>' }, 'LENDER_NAME', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, BRAND_COLOR: 'red' }, 'BRAND_COLOR', false],
    [{ DATABASE_URL: DB, APP_SECRET: SECRET, LENDER_TIME_ZONE: 'Moscow' }, 'LENDER_TIME_ZONE', false],
    [
      { DATABASE_URL: DB, APP_SECRET: SECRET, RETENTION_RESPONSE_DAYS: '7' },
      'RETENTION_RESPONSE_DAYS',
      false,
    ],
    [
      { DATABASE_URL: DB, APP_SECRET: SECRET, RETENTION_COMPLAINT_DAYS: 'forever' },
      'RETENTION_COMPLAINT_DAYS',
      false,
    ],
    [
      {
        DATABASE_URL: DB,
        APP_SECRET: SECRET,
        RETENTION_RESPONSE_DAYS: '3650',
        RETENTION_COMPLAINT_DAYS: '1825',
      },
      'RETENTION_COMPLAINT_DAYS',
      false,
    ],
    [
      { DATABASE_URL: DB, APP_SECRET: SECRET, BOOTSTRAP_ADMIN_EMAIL: 'admin@x.io' },
      'BOOTSTRAP_ADMIN_PASSWORD',
      false,
    ],
    [
      { DATABASE_URL: DB, APP_SECRET: SECRET, BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' },
      'BOOTSTRAP_ADMIN_EMAIL',
      false,
    ],
  ])('refuses %j naming %s', (env, variable, standalone) => {
    const error = fails(env as Record<string, string>, standalone as boolean);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('never repeats a secret in its error message', () => {
    const error = fails({ DATABASE_URL: DB, APP_SECRET: 'too-short-secret-value' });
    expect(error.message).not.toContain('too-short-secret-value');
  });

  it('accepts a complete Twilio and SMTP configuration', () => {
    const config = loadConfig(
      {
        DATABASE_URL: DB,
        APP_SECRET: SECRET,
        SMTP_URL: 'smtp://user:pass@mail.local:2525',
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'token',
        TWILIO_MESSAGING_SERVICE_SID: `MG${'1'.repeat(32)}`,
        TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
        SMS_SENDER_MPS: '2.5',
        PUBLIC_BASE_URL: 'https://feedback.lender.example/',
      },
      { standalone: false },
    );
    expect(config.smtp).toEqual({ url: 'smtp://user:pass@mail.local:2525' });
    expect(config.twilio).toMatchObject({
      messagingServiceSid: `MG${'1'.repeat(32)}`,
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(config.smsSenderMps).toBe(2.5);
    expect(config.publicBaseUrl).toBe('https://feedback.lender.example');
  });
});
