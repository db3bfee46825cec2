import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
