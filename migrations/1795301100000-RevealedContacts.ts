import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who has revealed a task's borrower contacts: the reveal is audited once, and the number stays
 * shown to that person while the task is open, instead of being masked again after every attempt.
 */
export class RevealedContacts1795301100000 implements MigrationInterface {
  name = 'RevealedContacts1795301100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE callback_task ADD COLUMN contacts_revealed_to uuid[] NOT NULL DEFAULT '{}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE callback_task DROP COLUMN contacts_revealed_to`);
  }
}
