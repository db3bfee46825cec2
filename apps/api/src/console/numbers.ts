/** Figures as the reader writes them: "3,82" and "73,3" in Russian, "3.82" in English; a dash for nothing. */
export function formatNumber(value: unknown, locale: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: true }).format(n);
}

const rules = new Map<string, Intl.PluralRules>();

/** The key of the plural form for `count` (`.one`, `.few`, `.many`, `.other`): 1 жалоба, 3 жалобы, 5 жалоб. */
export function pluralKey(key: string, count: number, locale: string): string {
  let rule = rules.get(locale);
  if (!rule) rules.set(locale, (rule = new Intl.PluralRules(locale)));
  return `${key}.${rule.select(count)}`;
}
