import { isValidTimeZone } from '@app/calendar';
import { FieldError, isE164Phone, isPlainText } from '@app/core';
import { isEmail } from 'class-validator';

/** One borrower a campaign surveys, as the API, the CLI and the console's upload give it. */
export interface RecipientInput {
  borrower: {
    externalId: string;
    name?: string | null;
    phone?: string | null;
    email?: string | null;
    locale?: 'ru' | 'en' | null;
    timeZone?: string | null;
  };
  product?: string | null;
  segment?: string | null;
}

const RECIPIENT_KEYS = new Set(['borrower', 'product', 'segment']);
const BORROWER_KEYS = new Set(['externalId', 'name', 'phone', 'email', 'locale', 'timeZone']);

function phoneError(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (isE164Phone(value)) return null;
  const digits = value.replace(/[\s()-]/g, '');
  if (/^8\d{10}$/.test(digits))
    return 'must be in E.164 format: 8 999 … is a local Russian number, write it as +7 999 …';
  return 'must be a valid phone number in E.164 format, e.g. +79991234567';
}

/**
 * The errors of one recipient, each named by its path (`borrower.phone`), the same rules as a contact
 * event's borrower; an empty list means it can be sent. Unknown fields are errors too.
 */
export function recipientErrors(plain: unknown): FieldError[] {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain))
    return [{ path: '', message: 'must be an object' }];
  const errors: FieldError[] = [];
  const value = plain as Record<string, unknown>;
  for (const key of Object.keys(value))
    if (!RECIPIENT_KEYS.has(key)) errors.push({ path: key.slice(0, 50), message: 'is not a known field' });
  for (const key of ['product', 'segment'] as const) {
    const v = value[key];
    if (v !== undefined && v !== null && (!isPlainText(v, 'identifier') || v.length > 50))
      errors.push({
        path: key,
        message: 'must be 1 to 50 characters without control or invisible characters',
      });
  }
  const borrower = value.borrower;
  if (borrower === null || typeof borrower !== 'object' || Array.isArray(borrower)) {
    errors.push({ path: 'borrower', message: 'must be an object with at least externalId' });
    return errors;
  }
  const b = borrower as Record<string, unknown>;
  for (const key of Object.keys(b))
    if (!BORROWER_KEYS.has(key))
      errors.push({ path: `borrower.${key.slice(0, 50)}`, message: 'is not a known field' });
  if (!isPlainText(b.externalId, 'identifier') || b.externalId.length > 200)
    errors.push({
      path: 'borrower.externalId',
      message: 'must be 1 to 200 characters without surrounding spaces',
    });
  const present = (key: string) => b[key] !== undefined && b[key] !== null;
  if (present('name') && (!isPlainText(b.name) || (b.name as string).length > 200))
    errors.push({ path: 'borrower.name', message: 'must be at most 200 characters of plain text' });
  if (present('phone')) {
    const message = phoneError(b.phone);
    if (message) errors.push({ path: 'borrower.phone', message });
  }
  if (
    present('email') &&
    (typeof b.email !== 'string' ||
      b.email.length > 254 ||
      !isEmail(b.email, { allow_display_name: false, allow_ip_domain: false, require_tld: true }))
  )
    errors.push({ path: 'borrower.email', message: 'must be an email address' });
  if (present('locale') && b.locale !== 'ru' && b.locale !== 'en')
    errors.push({ path: 'borrower.locale', message: 'must be ru or en' });
  if (
    present('timeZone') &&
    (typeof b.timeZone !== 'string' || b.timeZone.length > 64 || !isValidTimeZone(b.timeZone))
  )
    errors.push({ path: 'borrower.timeZone', message: 'must be an IANA time zone such as Europe/Moscow' });
  return errors;
}
