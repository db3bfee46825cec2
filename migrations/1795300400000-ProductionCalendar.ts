import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Russian production calendar for 2025–2027 as it stood when this migration was written: only the
 * days that differ from Monday–Friday (day, is working, kind, note). Frozen here on purpose: a
 * migration must do the same thing on every database whenever it runs; later corrections (a decree
 * adopted, a year added) are new migrations or admin edits in the console, never edits of this list.
 */
const DAYS: [string, boolean, string, string][] = [
  ['2025-01-01', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-02', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-03', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-04', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-05', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-06', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-07', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-01-08', false, 'holiday', 'New Year holidays and Christmas'],
  ['2025-02-23', false, 'holiday', 'Defender of the Fatherland Day (on a Sunday, moved to 8 May)'],
  ['2025-03-08', false, 'holiday', "International Women's Day (on a Saturday, moved to 13 June)"],
  ['2025-05-01', false, 'holiday', 'Spring and Labour Day'],
  ['2025-05-09', false, 'holiday', 'Victory Day'],
  ['2025-06-12', false, 'holiday', 'Russia Day'],
  ['2025-11-04', false, 'holiday', 'Unity Day'],
  ['2025-05-02', false, 'transferred_day_off', 'from Saturday 4 January'],
  ['2025-05-08', false, 'transferred_day_off', 'from Sunday 23 February'],
  ['2025-06-13', false, 'transferred_day_off', 'from Saturday 8 March'],
  ['2025-11-03', false, 'transferred_day_off', 'from Saturday 1 November'],
  ['2025-12-31', false, 'transferred_day_off', 'from Sunday 5 January'],
  ['2025-11-01', true, 'transferred_workday', 'working Saturday (day off moved to 3 November)'],
  ['2025-03-07', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2025-04-30', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2025-06-11', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2026-01-01', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-02', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-03', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-04', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-05', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-06', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-07', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-01-08', false, 'holiday', 'New Year holidays and Christmas'],
  ['2026-02-23', false, 'holiday', 'Defender of the Fatherland Day'],
  [
    '2026-03-08',
    false,
    'holiday',
    "International Women's Day (on a Sunday, the day off moves to Monday 9 March)",
  ],
  ['2026-05-01', false, 'holiday', 'Spring and Labour Day'],
  ['2026-05-09', false, 'holiday', 'Victory Day (on a Saturday, the day off moves to Monday 11 May)'],
  ['2026-06-12', false, 'holiday', 'Russia Day'],
  ['2026-11-04', false, 'holiday', 'Unity Day'],
  ['2026-01-09', false, 'transferred_day_off', 'from Saturday 3 January'],
  ['2026-03-09', false, 'transferred_day_off', "International Women's Day fell on a Sunday"],
  ['2026-05-11', false, 'transferred_day_off', 'Victory Day fell on a Saturday'],
  ['2026-12-31', false, 'transferred_day_off', 'from Sunday 4 January'],
  ['2026-04-30', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2026-05-08', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2026-06-11', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2026-11-03', true, 'shortened', 'pre-holiday day, one hour shorter'],
  ['2027-01-01', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-02', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-03', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-04', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-05', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-06', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-07', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-01-08', false, 'holiday', 'New Year holidays and Christmas'],
  ['2027-02-23', false, 'holiday', 'Defender of the Fatherland Day'],
  ['2027-03-08', false, 'holiday', "International Women's Day"],
  [
    '2027-05-01',
    false,
    'holiday',
    'Spring and Labour Day (on a Saturday, the day off moves to Monday 3 May)',
  ],
  ['2027-05-09', false, 'holiday', 'Victory Day (on a Sunday, the day off moves to Monday 10 May)'],
  ['2027-06-12', false, 'holiday', 'Russia Day (on a Saturday, the day off moves to Monday 14 June)'],
  ['2027-11-04', false, 'holiday', 'Unity Day'],
  ['2027-05-03', false, 'transferred_day_off', 'Spring and Labour Day fell on a Saturday'],
  ['2027-05-10', false, 'transferred_day_off', 'Victory Day fell on a Sunday'],
  ['2027-06-14', false, 'transferred_day_off', 'Russia Day fell on a Saturday'],
  ['2027-11-05', false, 'transferred_day_off', 'draft decree: from Saturday 13 November'],
  ['2027-11-13', true, 'transferred_workday', 'draft decree: working Saturday (day off moved to 5 November)'],
];

/** Seeds the working-day calendar for 2025–2027. */
export class ProductionCalendar1795300400000 implements MigrationInterface {
  name = 'ProductionCalendar1795300400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO working_day (day, is_working, kind, note)
       SELECT * FROM unnest($1::date[], $2::boolean[], $3::text[], $4::text[])
       ON CONFLICT (day) DO NOTHING`,
      [DAYS.map((d) => d[0]), DAYS.map((d) => d[1]), DAYS.map((d) => d[2]), DAYS.map((d) => d[3])],
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM working_day WHERE day = ANY($1::date[])`, [DAYS.map((d) => d[0])]);
  }
}
