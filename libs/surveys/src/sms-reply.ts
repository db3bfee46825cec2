export type SmsReply =
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'score'; value: number }
  /** A number outside the survey's scale: asked again, nothing stored. */
  | { kind: 'out_of_range'; value: number }
  | { kind: 'text'; text: string };

const STOP = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'стоп', 'отписаться']);
const START = new Set(['start', 'старт', 'unstop']);

/**
 * Reads an SMS reply: STOP-family and START keywords (alone), else a score — the first whole number,
 * with spaces, punctuation and words around it ignored (" 4 ", "4!", "оценка 4", "10/10") — else text
 * (which becomes the comment of a response already given).
 */
export function parseSmsReply(body: string, scale: { min: number; max: number } | null): SmsReply {
  const trimmed = body.normalize('NFKC').trim();
  const word = trimmed.toLowerCase().replace(/[^\p{L}]/gu, '');
  if (word && trimmed.replace(/[\s\p{P}]/gu, '').toLowerCase() === word) {
    if (STOP.has(word)) return { kind: 'stop' };
    if (START.has(word)) return { kind: 'start' };
  }
  // A score reply is short: a number, maybe a word or two around it. A long message with a number in it is a comment.
  const numbers = trimmed.match(/\d+/g) ?? [];
  const letters = (trimmed.match(/\p{L}/gu) ?? []).length;
  if (scale && numbers.length > 0 && letters <= 20 && trimmed.length <= 40) {
    const value = Number(numbers[0]);
    const ok = /^\d{1,2}$/.test(numbers[0]!) && value >= scale.min && value <= scale.max;
    return ok ? { kind: 'score', value } : { kind: 'out_of_range', value: Math.min(value, 9999) };
  }
  return { kind: 'text', text: trimmed };
}
