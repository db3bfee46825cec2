import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lender's own daily counts (applications, loans issued, active borrowers), posted by its systems
 * through PUT /api/v1/counts/{date}, for the ratios the Bank of Russia and the lenders use: contacts per
 * application, complaints and low scores per 1,000 loans. One row per day and product; `product` NULL
 * is the lender as a whole. Contact events are counted by day for the ratios, hence their index.
 */
export class LenderCounts1795301600000 implements MigrationInterface {
  name = 'LenderCounts1795301600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE lender_count_daily (
        day date NOT NULL,
        product text CHECK (product IS NULL OR length(product) BETWEEN 1 AND 100),
        applications integer CHECK (applications >= 0),
        loans_issued integer CHECK (loans_issued >= 0),
        active_borrowers integer CHECK (active_borrowers >= 0),
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        CONSTRAINT lender_count_daily_day_product_key UNIQUE NULLS NOT DISTINCT (day, product)
      );
      CREATE INDEX contact_event_occurred_at_idx ON contact_event (occurred_at);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX contact_event_occurred_at_idx; DROP TABLE lender_count_daily;`);
  }
}
