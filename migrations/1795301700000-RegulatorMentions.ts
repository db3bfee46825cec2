import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a callback task's comment first mentioned the regulator, a court, the police or a lawyer: the
 * complaint most likely to reach the Bank of Russia. Such a task goes to the top of the queue.
 */
export class RegulatorMentions1795301700000 implements MigrationInterface {
  name = 'RegulatorMentions1795301700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE callback_task ADD COLUMN regulator_mention_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE callback_task DROP COLUMN regulator_mention_at`);
  }
}
