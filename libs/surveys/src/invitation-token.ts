import { createHmac } from 'node:crypto';
import { secretDigest } from '@app/core';

/**
 * The survey link's token: 192 bits of HMAC-SHA256 over the invitation's random id, keyed from
 * APP_SECRET. Only its SHA-256 is stored (invitation.token_hash); deriving it lets the worker put the
 * same link in the first message and the reminder without the token ever being written down.
 * Rotating APP_SECRET invalidates outstanding links.
 */
export function invitationToken(appSecret: string, invitationId: string): string {
  return createHmac('sha256', `${appSecret}\u0000invitation-token`)
    .update(invitationId)
    .digest()
    .subarray(0, 24)
    .toString('base64url');
}

export function invitationTokenHash(appSecret: string, invitationId: string): Buffer {
  return secretDigest(invitationToken(appSecret, invitationId));
}

/** Tokens are exactly 32 URL-safe characters; anything else is not looked up at all. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;
