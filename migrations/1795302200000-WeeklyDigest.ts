import { MigrationInterface, QueryRunner } from 'typeorm';

/** The Monday email of the week's figures, for staff who subscribe to it (off until they do). */
export class WeeklyDigest1795302200000 implements MigrationInterface {
  name = 'WeeklyDigest1795302200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE staff_user ADD COLUMN weekly_digest boolean NOT NULL DEFAULT false;
      ALTER TABLE message DROP CONSTRAINT message_purpose_check;
      ALTER TABLE message ADD CONSTRAINT message_purpose_check
        CHECK (purpose IN ('invitation', 'reminder', 'reply', 'complaint_answer', 'deadline_digest', 'weekly_digest'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM message WHERE purpose = 'weekly_digest';
      ALTER TABLE message DROP CONSTRAINT message_purpose_check;
      ALTER TABLE message ADD CONSTRAINT message_purpose_check
        CHECK (purpose IN ('invitation', 'reminder', 'reply', 'complaint_answer', 'deadline_digest'));
      ALTER TABLE staff_user DROP COLUMN weekly_digest;
    `);
  }
}
