import { isE164Phone } from './phone';

describe('isE164Phone', () => {
  it.each(['+79991234567', '+74951234567', '+14155552671', '+442071838750'])('accepts %s', (phone) => {
    expect(isE164Phone(phone)).toBe(true);
  });

  it.each([
    ['a local Russian number', '89991234567'],
    ['spaces', '+7 999 123 45 67'],
    ['a number too short for its country', '+7999123456'],
    ['a number too long', '+799912345678'],
    ['a code no country has', '+99912345678'],
    ['a leading zero', '+0123456789'],
    ['not text', 79991234567],
    ['nothing', null],
  ])('refuses %s', (_name, phone) => {
    expect(isE164Phone(phone)).toBe(false);
  });
});
