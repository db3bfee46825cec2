export const COMMENT_CATEGORIES = [
  'incorrect_consultation',
  'product_terms',
  'payments',
  'app_website',
  'collection_conduct',
  'personal_data',
  'other',
] as const;
export type CommentCategory = (typeof COMMENT_CATEGORIES)[number];

// Latin letters that look like Cyrillic ones (and back): borrowers mix keyboards mid-word.
const LATIN_TO_CYRILLIC: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};
const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  в: 'b',
  с: 'c',
  е: 'e',
  н: 'h',
  к: 'k',
  м: 'm',
  о: 'o',
  р: 'p',
  т: 't',
  х: 'x',
  у: 'y',
};

/** Lower case, ё→е, punctuation and symbols to spaces, whitespace collapsed. */
export function normalizeComment(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Each word rewritten with look-alike letters in the script most of its letters are in. */
function unifyScripts(text: string): string {
  return text
    .split(' ')
    .map((word) => {
      const cyrillic = (word.match(/\p{Script=Cyrillic}/gu) ?? []).length;
      const latin = (word.match(/\p{Script=Latin}/gu) ?? []).length;
      if (cyrillic > 0 && latin > 0) {
        return cyrillic >= latin
          ? [...word].map((c) => LATIN_TO_CYRILLIC[c] ?? c).join('')
          : [...word].map((c) => CYRILLIC_TO_LATIN[c] ?? c).join('');
      }
      return word;
    })
    .join(' ');
}

/** Keyword stems per category, matched at word starts after normalising (Russian and English). */
const RULES: Record<Exclude<CommentCategory, 'other'>, string[]> = {
  incorrect_consultation: [
    'консультац',
    'не объясн',
    'неправильн',
    'ввели в заблужд',
    'обман',
    'не ответил',
    'некомпетент',
    'не смог',
    'misinform',
    'wrong information',
    'could not explain',
    'did not explain',
  ],
  product_terms: [
    'процент',
    'ставк',
    'переплат',
    'комисси',
    'услови',
    'договор',
    'страхов',
    'пролонгац',
    'interest',
    'fee',
    'terms',
    'contract',
    'insurance',
  ],
  payments: [
    'платеж',
    'платёж',
    'оплат',
    'списал',
    'списан',
    'не зачисл',
    'зачислен',
    'возврат',
    'перевод',
    'карт',
    'payment',
    'refund',
    'charged',
    'transfer',
  ],
  app_website: [
    'приложени',
    'сайт',
    'личн кабинет',
    'личный кабинет',
    'не работает',
    'ошибк',
    'не могу войти',
    'вход',
    'app',
    'website',
    'login',
    'error',
  ],
  collection_conduct: [
    'коллектор',
    'угрож',
    'хамств',
    'хамил',
    'груб',
    'оскорб',
    'звонят',
    'звонки',
    'родственник',
    'давлен',
    'harass',
    'threat',
    'rude',
    'insult',
  ],
  personal_data: [
    'персональн',
    'данные',
    'третьим лиц',
    'разглаш',
    'разглас',
    'паспорт',
    'personal data',
    'privacy',
    'leak',
  ],
};

/** The built-in keyword stems per category (the admin's page shows them beside the lender's own). */
export const BUILT_IN_KEYWORDS: Readonly<Record<Exclude<CommentCategory, 'other'>, readonly string[]>> =
  RULES;

/** A word the lender added to a category. */
export interface AddedKeyword {
  category: Exclude<CommentCategory, 'other'>;
  stem: string;
}

export interface CommentTagger {
  /** The categories a comment is about; `other` when it says something none of the rules recognise. */
  tag(comment: string | null): CommentCategory[];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The built-in stems and the lender's added ones, compiled once: stems match at word starts, normalised. */
export function compileTagger(added: readonly AddedKeyword[] = []): CommentTagger {
  const compiled = (Object.keys(RULES) as Exclude<CommentCategory, 'other'>[]).map((category) => {
    const stems = [...RULES[category], ...added.filter((a) => a.category === category).map((a) => a.stem)]
      .map(normalizeComment)
      .filter((stem) => stem.length > 0);
    return [category, new RegExp(`(^|\\s)(${stems.map(escape).join('|')})`, 'u')] as const;
  });
  return {
    tag(comment) {
      if (!comment) return [];
      const text = normalizeComment(comment);
      if (!text) return [];
      const variants = [text, unifyScripts(text)];
      const tags = compiled.filter(([, pattern]) => variants.some((v) => pattern.test(v))).map(([c]) => c);
      return tags.length > 0 ? tags : ['other'];
    },
  };
}

const BUILT_IN = compileTagger();

/** The categories a comment is about by the built-in rules alone (the demo's history, the tests). */
export function tagComment(comment: string | null): CommentCategory[] {
  return BUILT_IN.tag(comment);
}

/**
 * Words that say the borrower is taking it further: the Bank of Russia, the financial ombudsman, a
 * court, the prosecutor, the police, a lawyer. Whole words (with their endings), so "судя по всему"
 * is not a court and "цбр" is still the central bank.
 */
const REGULATOR_WORDS = [
  'цб',
  'цбр',
  'центробанк\\p{L}*',
  'центральн\\p{L}* банк\\p{L}*',
  'банк\\p{L}* росси\\p{L}*',
  'регулятор\\p{L}*',
  'финансов\\p{L}* уполномоченн\\p{L}*',
  'финомбудсмен\\p{L}*',
  'омбудсмен\\p{L}*',
  'роспотребнадзор\\p{L}*',
  'суд',
  'суда',
  'суде',
  'суду',
  'судом',
  'суды',
  'судов',
  'судебн\\p{L}*',
  'иск',
  'иском',
  'прокуратур\\p{L}*',
  'прокурор\\p{L}*',
  'полици\\p{L}*',
  'полицейск\\p{L}*',
  'юрист\\p{L}*',
  'адвокат\\p{L}*',
  'central bank',
  'bank of russia',
  'regulator\\p{L}*',
  'ombudsman',
  'court',
  'courts',
  'sue',
  'lawsuit\\p{L}*',
  'lawyer\\p{L}*',
  'attorney\\p{L}*',
  'police',
  'prosecutor\\p{L}*',
];
const REGULATOR_PATTERN = new RegExp(`(^|\\s)(${REGULATOR_WORDS.join('|')})(?=\\s|$)`, 'u');

/** Whether a comment mentions the regulator, a court, the police or a lawyer (look-alike letters unified). */
export function mentionsRegulator(comment: string | null): boolean {
  if (!comment) return false;
  const text = normalizeComment(comment);
  return REGULATOR_PATTERN.test(text) || REGULATOR_PATTERN.test(unifyScripts(text));
}
