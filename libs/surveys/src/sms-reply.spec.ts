import fc from 'fast-check';
import { normalizeComment, tagComment } from './comment-tags';
import { parseSmsReply } from './sms-reply';

const CSI = { min: 1, max: 5 };
const NPS = { min: 0, max: 10 };

describe('parseSmsReply', () => {
  it.each([
    ['4', CSI, 4],
    [' 4 ', CSI, 4],
    ['4!', CSI, 4],
    ['оценка 4', CSI, 4],
    ['Оценка: 5.', CSI, 5],
    ['10/10', NPS, 10],
    ['0', NPS, 0],
    ['ставлю 7', NPS, 7],
  ])('reads %j as the score %d', (body, scale, value) => {
    expect(parseSmsReply(body, scale)).toEqual({ kind: 'score', value });
  });

  it.each([
    ['9', CSI],
    ['0', CSI],
    ['11', NPS],
    ['100500', NPS],
  ])('reads %j as out of range', (body, scale) => {
    expect(parseSmsReply(body, scale).kind).toBe('out_of_range');
  });

  it.each([
    'STOP',
    'stop',
    ' Stop! ',
    'STOPALL',
    'UNSUBSCRIBE',
    'cancel',
    'END',
    'quit',
    'СТОП',
    'стоп',
    'Отписаться',
  ])('reads %j as STOP', (body) => {
    expect(parseSmsReply(body, CSI)).toEqual({ kind: 'stop' });
  });

  it.each(['START', 'старт', 'Start.'])('reads %j as START', (body) => {
    expect(parseSmsReply(body, CSI)).toEqual({ kind: 'start' });
  });

  it('reads words as a comment, and a long text with a number in it as a comment too', () => {
    expect(parseSmsReply('долго ждал ответа', CSI)).toEqual({ kind: 'text', text: 'долго ждал ответа' });
    expect(parseSmsReply('ждал ответа 3 дня, оператор так и не перезвонил', CSI).kind).toBe('text');
    expect(parseSmsReply('stop calling me at night please', CSI).kind).toBe('text');
  });

  it('never throws and keeps scores inside the scale, whatever arrives', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.constantFrom(CSI, NPS, null), (body, scale) => {
        const reply = parseSmsReply(body, scale);
        if (reply.kind === 'score')
          return (
            scale !== null &&
            reply.value >= scale.min &&
            reply.value <= scale.max &&
            Number.isInteger(reply.value)
          );
        return true;
      }),
      { numRuns: 2000 * Number(process.env.FC_RUNS_FACTOR ?? 1) },
    );
  });
});

describe('tagComment', () => {
  it('tags by keyword after normalising case, ё and punctuation', () => {
    expect(tagComment('Списали ДВАЖДЫ платёж!!!')).toEqual(['payments']);
    expect(tagComment('Коллектор угрожал моей маме')).toEqual(['collection_conduct']);
    expect(tagComment('Приложение не работает, не могу войти')).toEqual(['app_website']);
  });

  it('fires when the borrower typed a Latin look-alike letter inside a Russian word', () => {
    // "прилoжение" with a Latin "o", "кoллектoр" with two
    expect(tagComment('прил\u006fжение вылетает')).toEqual(['app_website']);
    expect(tagComment('к\u006fллект\u006fр хамил')).toEqual(['collection_conduct']);
  });

  it('finds several categories in one comment', () => {
    expect(tagComment('оператор ввели в заблуждение про проценты')).toEqual([
      'incorrect_consultation',
      'product_terms',
    ]);
  });

  it('says other for a comment no rule knows, and nothing for no comment', () => {
    expect(tagComment('всё было нормально')).toEqual(['other']);
    expect(tagComment('   ')).toEqual([]);
    expect(tagComment(null)).toEqual([]);
  });

  it('normalises without crashing on any text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 5000 }),
        (text) => typeof normalizeComment(text) === 'string' && Array.isArray(tagComment(text)),
      ),
    );
  });
});
