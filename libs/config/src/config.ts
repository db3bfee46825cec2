import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export type Locale = 'ru' | 'en';
export const LOCALES: readonly Locale[] = ['ru', 'en'];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from: string | null;
  messagingServiceSid: string | null;
  apiBaseUrl: string | null;
}

export interface SmtpConfig {
  url: string;
}

/** How the process was started: `npm start` runs everything on the embedded default, the rest need a database. */
export interface LaunchMode {
  /** `npm start`: embedded PostgreSQL allowed, worker in-process by default. */
  standalone: boolean;
}

/** The whole configuration, read from the environment once at boot (see `loadConfig`). */
export class AppConfig {
  /** `DATABASE_URL`; null means the embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl!: string | null;
  /** `DATA_DIR`, absolute: the embedded database and generated secrets. */
  readonly dataDir!: string;
  readonly port!: number;
  readonly host!: string;
  /** `PUBLIC_BASE_URL` without a trailing slash: base of survey links and of Twilio signature checks. */
  readonly publicBaseUrl!: string;
  /** `APP_SECRET`: sessions, derived secrets. */
  readonly appSecret!: string;
  readonly defaultLocale!: Locale;
  /** `SMTP_URL`; null sends email to the Outbox. */
  readonly smtp!: SmtpConfig | null;
  readonly emailFrom!: string;
  /** Twilio credentials; null sends SMS to the Outbox. */
  readonly twilio!: TwilioConfig | null;
  readonly smsSenderMps!: number;
  readonly runWorker!: boolean;
  readonly bootstrapAdmin!: { email: string; password: string } | null;
  readonly demoData!: boolean;
  readonly logLevel!: LogLevel;
  /** `LENDER_NAME`: signs SMS and emails; short so an SMS stays one segment. */
  readonly lenderName!: string;
  /** `BRAND_COLOR`: accent colour of emails and survey pages. */
  readonly brandColor!: string;
  /** `LENDER_TIME_ZONE`: the lender's working hours and deadlines (callback SLA, complaint due dates, register dates). */
  readonly lenderTimeZone!: string;
  /**
   * `RETENTION_RESPONSE_DAYS` and `RETENTION_COMPLAINT_DAYS`: a borrower's personal data is anonymised
   * once their last contact is older than the first and their last complaint older than the second.
   */
  readonly retention!: { responseDays: number; complaintDays: number };
  /** `PUBLIC_RATE_LIMIT`: requests per minute one address may make to the public survey pages. */
  readonly publicRateLimit!: number;
  /** `WEBHOOK_ALLOW_PRIVATE_NETWORKS`: outbound webhooks may target loopback and private addresses. */
  readonly webhookAllowPrivateNetworks!: boolean;

  static of(values: AppConfig): AppConfig {
    return Object.freeze(Object.assign(new AppConfig(), values));
  }

  get embedded(): boolean {
    return this.databaseUrl === null;
  }
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseUrl(name: string, value: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (got something that does not parse).`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.map((p) => p.replace(':', '://')).join(' or ')}.`);
  }
  return url;
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number between ${min} and ${max}.`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}.`);
  return n;
}

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, 'must be true or false.');
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** Reads `DATA_DIR/app-secret`, creating it on first start; only the embedded default does this. */
export function embeddedAppSecret(dataDir: string): string {
  const file = join(dataDir, 'app-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/**
 * Validates the environment; the first bad value stops start-up with a `ConfigError`
 * naming the variable. Secrets never appear in the messages.
 */
export function loadConfig(env: Env, mode: LaunchMode, cwd = process.cwd()): AppConfig {
  const databaseUrlRaw = read(env, 'DATABASE_URL');
  const databaseUrl = databaseUrlRaw
    ? parseUrl('DATABASE_URL', databaseUrlRaw, ['postgres:', 'postgresql:']).toString()
    : null;
  if (!databaseUrl && !mode.standalone) {
    throw new ConfigError(
      'DATABASE_URL',
      'is required for start:api, start:worker and production runs (only `npm start` uses the embedded database).',
    );
  }

  const dataDirRaw = read(env, 'DATA_DIR') ?? './.data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  const port = parseInteger('PORT', read(env, 'PORT') ?? '3000', 0, 65535);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const publicBaseUrl = parseUrl(
    'PUBLIC_BASE_URL',
    read(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${port}`,
    ['http:', 'https:'],
  )
    .toString()
    .replace(/\/+$/, '');

  let appSecret = read(env, 'APP_SECRET');
  if (appSecret !== undefined && Buffer.byteLength(appSecret) < 32) {
    throw new ConfigError('APP_SECRET', 'must be at least 32 bytes long.');
  }
  if (appSecret === undefined) {
    if (databaseUrl) throw new ConfigError('APP_SECRET', 'is required when DATABASE_URL is set.');
    appSecret = embeddedAppSecret(dataDir);
  }

  const defaultLocale = oneOf('DEFAULT_LOCALE', read(env, 'DEFAULT_LOCALE') ?? 'ru', LOCALES);

  const smtpRaw = read(env, 'SMTP_URL');
  const smtp = smtpRaw ? { url: parseUrl('SMTP_URL', smtpRaw, ['smtp:', 'smtps:']).toString() } : null;
  const emailFrom = read(env, 'EMAIL_FROM') ?? 'Resonance <no-reply@localhost>';
  if (/[\r\n]/.test(emailFrom) || !/@/.test(emailFrom)) {
    throw new ConfigError('EMAIL_FROM', 'must be one address such as "Lender <no-reply@lender.example>".');
  }

  const twilio = readTwilio(env);
  const mpsRaw = read(env, 'SMS_SENDER_MPS') ?? '1';
  const smsSenderMps = Number(mpsRaw);
  if (!/^\d+(\.\d+)?$/.test(mpsRaw) || smsSenderMps <= 0 || smsSenderMps > 100_000) {
    throw new ConfigError(
      'SMS_SENDER_MPS',
      'must be a number of messages per second above 0 and at most 100000.',
    );
  }

  const runWorker = parseBoolean('RUN_WORKER', read(env, 'RUN_WORKER'), mode.standalone);

  const adminEmail = read(env, 'BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = env.BOOTSTRAP_ADMIN_PASSWORD;
  let bootstrapAdmin: AppConfig['bootstrapAdmin'] = null;
  if (adminEmail || adminPassword) {
    if (!adminEmail || !EMAIL.test(adminEmail)) {
      throw new ConfigError(
        'BOOTSTRAP_ADMIN_EMAIL',
        'must be an email address when BOOTSTRAP_ADMIN_PASSWORD is set.',
      );
    }
    if (!adminPassword || adminPassword.length < 12) {
      throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD', 'must be at least 12 characters.');
    }
    bootstrapAdmin = { email: adminEmail.toLowerCase(), password: adminPassword };
  }

  const demoData = parseBoolean('DEMO_DATA', read(env, 'DEMO_DATA'), databaseUrl === null);
  const webhookAllowPrivateNetworks = parseBoolean(
    'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
    read(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS'),
    databaseUrl === null,
  );
  const logLevel = oneOf('LOG_LEVEL', read(env, 'LOG_LEVEL') ?? 'info', LOG_LEVELS);
  const lenderName = read(env, 'LENDER_NAME') ?? 'Resonance';
  if (lenderName.length > 16 || /[\u0000-\u001f\u007f<>{}]/.test(lenderName)) {
    throw new ConfigError('LENDER_NAME', 'must be at most 16 printable characters (it signs every SMS).');
  }
  const lenderTimeZone = read(env, 'LENDER_TIME_ZONE') ?? 'Europe/Moscow';
  try {
    new Intl.DateTimeFormat('en', { timeZone: lenderTimeZone });
  } catch {
    throw new ConfigError('LENDER_TIME_ZONE', 'must be an IANA time zone such as Europe/Moscow.');
  }
  const brandColor = read(env, 'BRAND_COLOR') ?? '#1f5fbf';
  if (!/^#[0-9a-fA-F]{6}$/.test(brandColor))
    throw new ConfigError('BRAND_COLOR', 'must be a colour like #1f5fbf.');

  const retention = {
    responseDays: parseInteger(
      'RETENTION_RESPONSE_DAYS',
      read(env, 'RETENTION_RESPONSE_DAYS') ?? '365',
      30,
      36_500,
    ),
    complaintDays: parseInteger(
      'RETENTION_COMPLAINT_DAYS',
      read(env, 'RETENTION_COMPLAINT_DAYS') ?? '1825',
      365,
      36_500,
    ),
  };
  if (retention.complaintDays < retention.responseDays)
    throw new ConfigError('RETENTION_COMPLAINT_DAYS', 'must not be shorter than RETENTION_RESPONSE_DAYS.');

  const publicRateLimit = parseInteger(
    'PUBLIC_RATE_LIMIT',
    read(env, 'PUBLIC_RATE_LIMIT') ?? '120',
    1,
    10_000_000,
  );

  return AppConfig.of({
    databaseUrl,
    dataDir,
    port,
    host,
    publicBaseUrl,
    appSecret,
    defaultLocale,
    smtp,
    emailFrom,
    twilio,
    smsSenderMps,
    runWorker,
    bootstrapAdmin,
    demoData,
    webhookAllowPrivateNetworks,
    logLevel,
    lenderName,
    brandColor,
    lenderTimeZone,
    retention,
    publicRateLimit,
  } as AppConfig);
}

function readTwilio(env: Env): TwilioConfig | null {
  const accountSid = read(env, 'TWILIO_ACCOUNT_SID');
  const authToken = read(env, 'TWILIO_AUTH_TOKEN');
  const from = read(env, 'TWILIO_FROM') ?? null;
  const messagingServiceSid = read(env, 'TWILIO_MESSAGING_SERVICE_SID') ?? null;
  const apiBaseRaw = read(env, 'TWILIO_API_BASE_URL');
  const apiBaseUrl = apiBaseRaw
    ? parseUrl('TWILIO_API_BASE_URL', apiBaseRaw, ['http:', 'https:']).toString().replace(/\/+$/, '')
    : null;
  if (!accountSid && !authToken) return null;
  if (!accountSid || !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new ConfigError(
      'TWILIO_ACCOUNT_SID',
      'must be a Twilio account SID (AC followed by 32 hex digits).',
    );
  }
  if (!authToken) throw new ConfigError('TWILIO_AUTH_TOKEN', 'is required when TWILIO_ACCOUNT_SID is set.');
  if (!from && !messagingServiceSid) {
    throw new ConfigError(
      'TWILIO_FROM',
      'or TWILIO_MESSAGING_SERVICE_SID is required when Twilio is configured.',
    );
  }
  if (messagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
    throw new ConfigError(
      'TWILIO_MESSAGING_SERVICE_SID',
      'must be a messaging service SID (MG followed by 32 hex digits).',
    );
  }
  if (from && !/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/.test(from)) {
    throw new ConfigError(
      'TWILIO_FROM',
      'must be an E.164 number or an alphanumeric sender ID of up to 11 characters.',
    );
  }
  return { accountSid, authToken, from, messagingServiceSid, apiBaseUrl };
}
