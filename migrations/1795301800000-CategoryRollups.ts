import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily response rollups keep each answer's main category (its comment's first tag other than
 * `other`; '' without a comment), so category shares over any period read the rollups, not the
 * responses. Clearing the refresh watermark makes the next refresh rebuild them with it.
 */
export class CategoryRollups1795301800000 implements MigrationInterface {
  name = 'CategoryRollups1795301800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE metric_response_daily ADD COLUMN category text NOT NULL DEFAULT '';
      ALTER TABLE metric_response_daily DROP CONSTRAINT metric_response_daily_pkey;
      ALTER TABLE metric_response_daily
        ADD PRIMARY KEY (day, survey_key, touchpoint, channel, product, locale, category);
      UPDATE metric_rollup_state SET responses_through = NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM metric_response_daily;
      ALTER TABLE metric_response_daily DROP CONSTRAINT metric_response_daily_pkey;
      ALTER TABLE metric_response_daily DROP COLUMN category;
      ALTER TABLE metric_response_daily ADD PRIMARY KEY (day, survey_key, touchpoint, channel, product, locale);
      UPDATE metric_rollup_state SET responses_through = NULL;
    `);
  }
}
