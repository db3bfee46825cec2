import { smsSegments } from './sms-segments';

describe('smsSegments', () => {
  it.each([
    ['160 Latin letters: one SMS', 'a'.repeat(160), 'GSM-7', 160, 1],
    ['161: two parts of 153', 'a'.repeat(161), 'GSM-7', 161, 2],
    ['306: still two', 'a'.repeat(306), 'GSM-7', 306, 2],
    ['307: three', 'a'.repeat(307), 'GSM-7', 307, 3],
    ['the extension set counts twice', '€'.repeat(80), 'GSM-7', 160, 1],
    ['one more € and it splits', '€'.repeat(81), 'GSM-7', 162, 2],
    ['70 Cyrillic letters: one SMS', 'ж'.repeat(70), 'UCS-2', 70, 1],
    ['71: two parts of 67', 'ж'.repeat(71), 'UCS-2', 71, 2],
    ['one Cyrillic letter makes the whole text UCS-2', `${'a'.repeat(100)}ж`, 'UCS-2', 101, 2],
    ['an emoji takes two code units', '🙂'.repeat(35), 'UCS-2', 70, 1],
  ])('%s', (_name, text, encoding, units, segments) => {
    expect(smsSegments(text)).toMatchObject({ encoding, units, segments });
  });
});
