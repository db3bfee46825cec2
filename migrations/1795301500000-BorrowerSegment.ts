import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A borrower's segment as the lender names it ("new", "repeat", "vip"…), for filtering answers and
 * metrics; campaigns set it from their lists. Nothing else reads it.
 */
export class BorrowerSegment1795301500000 implements MigrationInterface {
  name = 'BorrowerSegment1795301500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE borrower ADD COLUMN segment text CHECK (segment IS NULL OR length(segment) BETWEEN 1 AND 50)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE borrower DROP COLUMN segment`);
  }
}
