import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: one destruction record per anonymised borrower (append-only, like the audit log), and
 * the indexes the retention sweep reads.
 */
export class Retention1795300800000 implements MigrationInterface {
  name = 'Retention1795300800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE data_destruction (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        borrower_id uuid NOT NULL REFERENCES borrower (id),
        destroyed_at timestamptz NOT NULL,
        reason text NOT NULL,
        -- What was destroyed, as counts per kind of record (never the values).
        counts jsonb NOT NULL
      );
      CREATE INDEX data_destruction_borrower_idx ON data_destruction (borrower_id);
      CREATE TRIGGER data_destruction_no_update_delete BEFORE UPDATE OR DELETE ON data_destruction
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
      CREATE TRIGGER data_destruction_no_truncate BEFORE TRUNCATE ON data_destruction
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

      CREATE INDEX borrower_not_anonymised_idx ON borrower (id) WHERE anonymised_at IS NULL;
      CREATE INDEX message_borrower_idx ON message (borrower_id);
      CREATE INDEX complaint_borrower_idx ON complaint (borrower_id, registered_at);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP INDEX complaint_borrower_idx;
      DROP INDEX message_borrower_idx;
      DROP INDEX borrower_not_anonymised_idx;
      DROP TABLE data_destruction;
    `);
  }
}
