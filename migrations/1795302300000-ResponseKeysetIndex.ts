import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The answers explorer pages newest first by (submitted_at, id): an index on both lets a deep page
 * start at its cursor instead of reading every newer answer. It serves the period scans of the rollups
 * as the single-column index did, which it replaces.
 */
export class ResponseKeysetIndex1795302300000 implements MigrationInterface {
  name = 'ResponseKeysetIndex1795302300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX response_submitted_id_idx ON response (submitted_at, id);
      DROP INDEX response_submitted_idx;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX response_submitted_idx ON response (submitted_at);
      DROP INDEX response_submitted_id_idx;
    `);
  }
}
