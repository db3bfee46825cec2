import { mentionsRegulator } from './comment-tags';

describe('mentionsRegulator', () => {
  it.each([
    'Пойду в ЦБ жаловаться',
    'напишу в Центробанк',
    'обращусь в Центральный банк',
    'жалоба в Банк России уже написана',
    'буду писать финансовому уполномоченному',
    'подам в суд',
    'встретимся в суде',
    'иск уже готов',
    'обращусь в прокуратуру',
    'вызову полицию',
    'мой юрист свяжется с вами',
    'передал адвокату',
    'Роспотребнадзор разберётся',
    'I will complain to the Central Bank',
    'my lawyer will call',
    'see you in court',
    // Latin look-alikes inside Russian words: "суд" with a Latin "y", "прокуратуру" with a Latin "o"
    'подам в с\u0079д',
    'обращусь в пр\u006fкуратуру',
  ])('hears the regulator, a court, the police or a lawyer in %j', (comment) => {
    expect(mentionsRegulator(comment)).toBe(true);
  });

  it.each([
    'судя по всему, платёж не прошёл',
    'судьба займа неизвестна',
    'искал кнопку оплаты',
    'исключительно вежливый оператор',
    'цбх что-то непонятное',
    'приложение не работает',
    'courteous staff',
    '',
  ])('does not hear it in %j', (comment) => {
    expect(mentionsRegulator(comment)).toBe(false);
  });

  it('says nothing for no comment', () => {
    expect(mentionsRegulator(null)).toBe(false);
  });
});
