import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seeded production calendar's notes in Russian, the language of the decrees they come from (and
 * of the lenders who keep the calendar). Only notes still as seeded change; an admin's own are kept.
 */
const NOTES: [string, string][] = [
  ['New Year holidays and Christmas', 'Новогодние каникулы и Рождество'],
  ['Defender of the Fatherland Day', 'День защитника Отечества'],
  [
    'Defender of the Fatherland Day (on a Sunday, moved to 8 May)',
    'День защитника Отечества (выпал на воскресенье, выходной перенесён на 8 мая)',
  ],
  ["International Women's Day", 'Международный женский день'],
  [
    "International Women's Day (on a Saturday, moved to 13 June)",
    'Международный женский день (выпал на субботу, выходной перенесён на 13 июня)',
  ],
  [
    "International Women's Day (on a Sunday, the day off moves to Monday 9 March)",
    'Международный женский день (выпал на воскресенье, выходной — понедельник 9 марта)',
  ],
  ['Spring and Labour Day', 'Праздник Весны и Труда'],
  [
    'Spring and Labour Day (on a Saturday, the day off moves to Monday 3 May)',
    'Праздник Весны и Труда (выпал на субботу, выходной — понедельник 3 мая)',
  ],
  ['Victory Day', 'День Победы'],
  [
    'Victory Day (on a Saturday, the day off moves to Monday 11 May)',
    'День Победы (выпал на субботу, выходной — понедельник 11 мая)',
  ],
  [
    'Victory Day (on a Sunday, the day off moves to Monday 10 May)',
    'День Победы (выпал на воскресенье, выходной — понедельник 10 мая)',
  ],
  ['Russia Day', 'День России'],
  [
    'Russia Day (on a Saturday, the day off moves to Monday 14 June)',
    'День России (выпал на субботу, выходной — понедельник 14 июня)',
  ],
  ['Unity Day', 'День народного единства'],
  ['from Saturday 4 January', 'перенесён с субботы 4 января'],
  ['from Sunday 23 February', 'перенесён с воскресенья 23 февраля'],
  ['from Saturday 8 March', 'перенесён с субботы 8 марта'],
  ['from Saturday 1 November', 'перенесён с субботы 1 ноября'],
  ['from Sunday 5 January', 'перенесён с воскресенья 5 января'],
  ['from Saturday 3 January', 'перенесён с субботы 3 января'],
  ['from Sunday 4 January', 'перенесён с воскресенья 4 января'],
  ['working Saturday (day off moved to 3 November)', 'рабочая суббота (выходной перенесён на 3 ноября)'],
  ['pre-holiday day, one hour shorter', 'предпраздничный день, на час короче'],
  ["International Women's Day fell on a Sunday", 'Международный женский день выпал на воскресенье'],
  ['Victory Day fell on a Saturday', 'День Победы выпал на субботу'],
  ['Victory Day fell on a Sunday', 'День Победы выпал на воскресенье'],
  ['Spring and Labour Day fell on a Saturday', 'Праздник Весны и Труда выпал на субботу'],
  ['Russia Day fell on a Saturday', 'День России выпал на субботу'],
  ['draft decree: from Saturday 13 November', 'проект постановления: перенесён с субботы 13 ноября'],
  [
    'draft decree: working Saturday (day off moved to 5 November)',
    'проект постановления: рабочая суббота (выходной перенесён на 5 ноября)',
  ],
];

export class CalendarNotesInRussian1795301400000 implements MigrationInterface {
  name = 'CalendarNotesInRussian1795301400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE working_day w SET note = n.ru FROM unnest($1::text[], $2::text[]) AS n (en, ru) WHERE w.note = n.en`,
      [NOTES.map((n) => n[0]), NOTES.map((n) => n[1])],
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE working_day w SET note = n.en FROM unnest($1::text[], $2::text[]) AS n (en, ru) WHERE w.note = n.ru`,
      [NOTES.map((n) => n[0]), NOTES.map((n) => n[1])],
    );
  }
}
