import { maskEmail, maskPhone } from './borrower-casefile.service';

describe('masked contacts', () => {
  it('keeps the country code and the last two digits of a phone', () => {
    expect(maskPhone('+79991234567')).toBe('+79•••••••67');
    expect(maskPhone(null)).toBeNull();
  });

  it('keeps the first letter and the domain of an email', () => {
    expect(maskEmail('elena.petrova@example.ru')).toBe('e•••@example.ru');
    expect(maskEmail('@broken')).toBe('•••');
  });
});
