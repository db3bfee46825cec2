import { MigrationInterface, QueryRunner } from 'typeorm';

/** A programme's own SMS invitation text per language (null: the product's default text for its kind). */
export class ProgrammeSmsTexts1795302600000 implements MigrationInterface {
  name = 'ProgrammeSmsTexts1795302600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE survey ADD COLUMN sms_text jsonb
        CHECK (sms_text IS NULL OR (jsonb_typeof(sms_text -> 'ru') = 'string' AND jsonb_typeof(sms_text -> 'en') = 'string'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE survey DROP COLUMN sms_text`);
  }
}
