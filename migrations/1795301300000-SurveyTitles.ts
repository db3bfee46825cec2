import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A programme's name in each language the console speaks ({ ru, en }), in place of one English name.
 * The four programmes the product ships get their Russian names; any other keeps its name in both.
 */
export class SurveyTitles1795301300000 implements MigrationInterface {
  name = 'SurveyTitles1795301300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE survey ADD COLUMN title jsonb`);
    await db.query(
      `UPDATE survey SET title = jsonb_build_object('en', survey.name, 'ru', coalesce(ru.title, survey.name))
         FROM survey s0 LEFT JOIN (VALUES
           ('csi_service', 'Удовлетворённость после обращения в поддержку'),
           ('csi_collection', 'Удовлетворённость после контакта по взысканию'),
           ('nps_relationship', 'Готовность рекомендовать после займа или погашения'),
           ('cli_loyalty', 'Индекс лояльности после погашения (выборка)')
         ) AS ru (key, title) ON ru.key = s0.key
        WHERE s0.id = survey.id`,
    );
    await db.query(`ALTER TABLE survey ALTER COLUMN title SET NOT NULL`);
    await db.query(
      `ALTER TABLE survey ADD CONSTRAINT survey_title_check
         CHECK (jsonb_typeof(title -> 'ru') = 'string' AND jsonb_typeof(title -> 'en') = 'string')`,
    );
    await db.query(`ALTER TABLE survey DROP COLUMN name`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE survey ADD COLUMN name text`);
    await db.query(`UPDATE survey SET name = title ->> 'en'`);
    await db.query(`ALTER TABLE survey ALTER COLUMN name SET NOT NULL`);
    await db.query(`ALTER TABLE survey DROP COLUMN title`);
  }
}
