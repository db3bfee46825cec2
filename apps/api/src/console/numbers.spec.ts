import { formatNumber, pluralKey } from './numbers';

describe('numbers as the reader writes them', () => {
  it.each([
    [3.8245, 'ru', '3,82'],
    [73.3, 'ru', '73,3'],
    [73.3, 'en', '73.3'],
    [-50, 'ru', '-50'],
    [12500, 'en', '12,500'],
    [null, 'ru', '—'],
    ['0.5', 'ru', '0,5'],
  ])('%j in %s → %s', (value, locale, expected) => {
    expect(
      formatNumber(value, locale)
        .replace(/\u00a0|\u202f/g, ' ')
        .replace('−', '-'),
    ).toBe(expected);
  });

  it.each([
    [1, 'one'],
    [2, 'few'],
    [5, 'many'],
    [11, 'many'],
    [21, 'one'],
    [13, 'many'],
    [22, 'few'],
  ])('Russian: %i жалоб… takes the %s form', (count, form) => {
    expect(pluralKey('queue.count.complaint', count, 'ru')).toBe(`queue.count.complaint.${form}`);
  });

  it('English has one and other', () => {
    expect([1, 2, 5].map((n) => pluralKey('dashboard.answerCount', n, 'en'))).toEqual([
      'dashboard.answerCount.one',
      'dashboard.answerCount.other',
      'dashboard.answerCount.other',
    ]);
  });
});
