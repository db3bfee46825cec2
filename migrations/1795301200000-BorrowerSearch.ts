import { MigrationInterface, QueryRunner } from 'typeorm';

/** The console's search finds borrowers by the start of their name without reading every row. */
export class BorrowerSearch1795301200000 implements MigrationInterface {
  name = 'BorrowerSearch1795301200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX borrower_name_search_idx ON borrower (lower(name) text_pattern_ops) WHERE name IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX borrower_name_search_idx`);
  }
}
