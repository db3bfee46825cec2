import { isTimestampText, isUuid } from './ids';
import { ValidationFailedException } from './domain.exception';

/**
 * What each position of a cursor holds: an int4 sort key, a timestamptz as text, a row id, or a
 * fingerprint (a short base64url digest, e.g. of the filters the cursor belongs to).
 */
export type CursorPart = 'int' | 'timestamp' | 'uuid' | 'fingerprint';

const VALID: Record<CursorPart, (value: unknown) => boolean> = {
  int: (value) => Number.isSafeInteger(value) && Math.abs(value as number) <= 2_147_483_647,
  timestamp: isTimestampText,
  uuid: isUuid,
  fingerprint: (value) => typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value),
};

/** An opaque keyset cursor: the sort key of the last row seen, base64url JSON. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The sort key a cursor carries, each part checked against its type, so a tampered cursor is a 400
 * here and never a cast error in the database.
 */
export function decodeCursor(cursor: string | undefined, shape: CursorPart[]): (string | number)[] | null {
  if (!cursor) return null;
  try {
    if (cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      !Array.isArray(values) ||
      values.length !== shape.length ||
      !values.every((v, i) => VALID[shape[i]!](v))
    )
      throw new Error();
    return values as (string | number)[];
  } catch {
    throw new ValidationFailedException([{ path: 'cursor', message: 'is not a cursor this API gave out' }]);
  }
}
