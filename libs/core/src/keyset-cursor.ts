import { ValidationFailedException } from './domain.exception';

/** An opaque keyset cursor: the sort key of the last row seen, base64url JSON. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  shape: ('string' | 'number')[],
): (string | number)[] | null {
  if (!cursor) return null;
  try {
    if (cursor.length > 500) throw new Error();
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      !Array.isArray(values) ||
      values.length !== shape.length ||
      !values.every((v, i) => typeof v === shape[i])
    )
      throw new Error();
    return values as (string | number)[];
  } catch {
    throw new ValidationFailedException([{ path: 'cursor', message: 'is not a cursor this API gave out' }]);
  }
}
