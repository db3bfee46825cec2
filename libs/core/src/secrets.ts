import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** A URL-safe random secret of `bytes` bytes from the CSPRNG (16 bytes = 128 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Only this digest of a high-entropy secret (API key, survey token, session id) is stored.
 * SHA-256 is enough for 128+ random bits: there is nothing to brute-force.
 */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A value derived from the application secret, stable across restarts (e.g. the demo API key). */
export function deriveSecret(appSecret: string, purpose: string, bytes = 24): string {
  return createHmac('sha256', appSecret).update(purpose).digest().subarray(0, bytes).toString('base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function sealingKey(appSecret: string): Buffer {
  return createHmac('sha256', appSecret).update('resonance:sealed-secrets').digest();
}

/**
 * Seals a secret we must use again later (a webhook signing secret) with AES-256-GCM under a key
 * derived from APP_SECRET. Secrets we only verify (API keys, tokens) are hashed instead.
 */
export function sealSecret(appSecret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(appSecret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

export function openSecret(appSecret: string, sealed: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(appSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
