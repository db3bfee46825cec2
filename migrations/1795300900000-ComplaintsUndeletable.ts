import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The complaint register is a record of what the lender was told and did: rows are never deleted
 * (151-FZ and the SRO standard make the lender keep them), whoever connects. Changes go through the
 * audited workflow; retention leaves complaints as registered.
 */
export class ComplaintsUndeletable1795300900000 implements MigrationInterface {
  name = 'ComplaintsUndeletable1795300900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION complaint_is_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'complaint rows are never deleted: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER complaint_no_delete BEFORE DELETE ON complaint
        FOR EACH ROW EXECUTE FUNCTION complaint_is_never_deleted();
      CREATE TRIGGER complaint_no_truncate BEFORE TRUNCATE ON complaint
        FOR EACH STATEMENT EXECUTE FUNCTION complaint_is_never_deleted();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TRIGGER complaint_no_truncate ON complaint;
      DROP TRIGGER complaint_no_delete ON complaint;
      DROP FUNCTION complaint_is_never_deleted();
    `);
  }
}
