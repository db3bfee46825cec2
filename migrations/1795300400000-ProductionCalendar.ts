import { MigrationInterface, QueryRunner } from 'typeorm';
import { isWorkingKind, RUSSIAN_PRODUCTION_CALENDAR } from '@app/calendar';

/** Seeds the working-day calendar for 2025–2027 (only the days that differ from Monday–Friday). */
export class ProductionCalendar1795300400000 implements MigrationInterface {
  name = 'ProductionCalendar1795300400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO working_day (day, is_working, kind, note)
       SELECT * FROM unnest($1::date[], $2::boolean[], $3::text[], $4::text[])
       ON CONFLICT (day) DO NOTHING`,
      [
        RUSSIAN_PRODUCTION_CALENDAR.map((d) => d.day),
        RUSSIAN_PRODUCTION_CALENDAR.map((d) => isWorkingKind(d.kind)),
        RUSSIAN_PRODUCTION_CALENDAR.map((d) => d.kind),
        RUSSIAN_PRODUCTION_CALENDAR.map((d) => d.note),
      ],
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM working_day WHERE day = ANY($1::date[])`, [
      RUSSIAN_PRODUCTION_CALENDAR.map((d) => d.day),
    ]);
  }
}
