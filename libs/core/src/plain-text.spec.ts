import { isPlainText } from './plain-text';

describe('isPlainText: the one rule for what people type', () => {
  it.each([
    ['a note\nwith lines\tand tabs', 'multiline', true],
    ['a note\nwith lines', 'line', false],
    ['Елена Петрова', 'line', true],
    ['bell\u0007', 'multiline', false],
    ['NUL\u0000', 'multiline', false],
    ['C1\u0085', 'line', false],
    ['lone \ud800 surrogate', 'line', false],
    ['evil\u202ereversed', 'multiline', false],
    ['b-1001', 'identifier', true],
    [' b-1001', 'identifier', false],
    ['b\u200b1001', 'identifier', false],
    ['', 'identifier', false],
    ['', 'line', true],
  ] as const)('%j as %s → %s', (value, kind, expected) => {
    expect(isPlainText(value, kind)).toBe(expected);
  });

  it('refuses anything but a string', () => {
    expect(isPlainText(42)).toBe(false);
    expect(isPlainText(null, 'multiline')).toBe(false);
  });
});
