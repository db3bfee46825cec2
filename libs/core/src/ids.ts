const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is answered as "not found" before it reaches a query. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const ISO_DATE = /^(\d{4})-\d{2}-\d{2}$/;
/** Years a period may name: PostgreSQL has no year 0000, and nothing in a lender's register predates 1900. */
const MIN_YEAR = 1900;

/** A real calendar day written YYYY-MM-DD (2026-02-30 and 0000-01-01 are not). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  return (
    !!match &&
    Number(match[1]) >= MIN_YEAR &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(value).toISOString().slice(0, 10) === value
  );
}

/** A timestamptz as PostgreSQL writes it as text (`2026-11-18 09:00:00.123+00`) or ISO 8601, on a real day. */
export function isTimestampText(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/.test(value) &&
    isIsoDate(value.slice(0, 10)) &&
    Number(value.slice(11, 13)) < 24 &&
    Number(value.slice(14, 16)) < 60 &&
    Number(value.slice(17, 19)) < 60
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text PostgreSQL can store and our output can carry: no NUL (text and jsonb refuse it) and no lone
 * UTF-16 surrogate (not encodable as UTF-8; jsonb refuses its escape). Decided once, at the edge.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}
