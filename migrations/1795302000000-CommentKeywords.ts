import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Words the lender adds to a comment category's built-in keywords (stored normalised: lower case, ё→е,
 * punctuation as spaces). Removing one keeps the row, so the audit log and the re-tagging it caused
 * still make sense. One live word per category.
 */
export class CommentKeywords1795302000000 implements MigrationInterface {
  name = 'CommentKeywords1795302000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE comment_keyword (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        category text NOT NULL,
        stem text NOT NULL CHECK (length(stem) BETWEEN 2 AND 60),
        added_by text NOT NULL,
        added_at timestamptz NOT NULL,
        removed_at timestamptz
      );
      CREATE UNIQUE INDEX comment_keyword_live_key ON comment_keyword (category, stem) WHERE removed_at IS NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE comment_keyword`);
  }
}
