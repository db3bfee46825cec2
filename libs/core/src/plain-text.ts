import { isStorableText } from './ids';

// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\t\n\r]/;
// Bidirectional overrides and isolates: they can make a note or a name read differently than it is.
const DIRECTION = /[\u202a-\u202e\u2066-\u2069]/;
// Characters that show nothing: soft hyphen, zero-width spaces and joiners, word joiner, BOM.
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2065\ufeff]/;

/**
 * What people may type into Resonance, the one rule for every field: text PostgreSQL stores, with no
 * control characters or direction overrides. `multiline` text (notes, comments, substance) keeps its
 * tabs and line breaks; a `line` (a name, a reason) does not; an `identifier` (an external id, a key
 * name) has no invisible characters either, is not empty and has no spaces at its ends.
 */
export function isPlainText(
  value: unknown,
  kind: 'line' | 'multiline' | 'identifier' = 'line',
): value is string {
  if (typeof value !== 'string' || !isStorableText(value) || CONTROL.test(value) || DIRECTION.test(value))
    return false;
  if (kind === 'multiline') return true;
  if (LINE_BREAK.test(value)) return false;
  if (kind === 'line') return true;
  return value.length > 0 && value.trim() === value && !INVISIBLE.test(value);
}
