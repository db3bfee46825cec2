import { MigrationInterface, QueryRunner } from 'typeorm';

/** The callback queue read in queue order by status (the console's tabs) and the overdue view. */
export class QueueIndexes1795300500000 implements MigrationInterface {
  name = 'QueueIndexes1795300500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX callback_task_status_queue_idx ON callback_task (status, priority DESC, first_contact_due_at, id);
      -- Not yet contacted, in queue order: the overdue view reads it from the top and stops at a page.
      CREATE INDEX callback_task_uncontacted_queue_idx ON callback_task (priority DESC, first_contact_due_at, id)
        WHERE status IN ('open', 'in_progress') AND first_contact_at IS NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DROP INDEX callback_task_uncontacted_queue_idx; DROP INDEX callback_task_status_queue_idx;`,
    );
  }
}
