import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The register of record (issue 17): complaints from every channel, not only those a callback found.
 * A complaint keeps when and how it was received, the regulator's reference and due date, what it is
 * about (product, touchpoint, the contact event, an earlier complaint of the same borrower), who works
 * it, reopenings, the criteria text it was judged by, and its corrective action tracked to the end.
 * Scanned letters are stored here too (never deleted, like the complaints). Review criteria become the
 * lender's list, versioned; staff may turn the deadline emails off.
 */
export class ComplaintRegisterOfRecord1795301000000 implements MigrationInterface {
  name = 'ComplaintRegisterOfRecord1795301000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE complaint
        ADD COLUMN external_id text,
        ADD COLUMN request_hash bytea,
        ADD COLUMN intake_outcome json,
        ADD COLUMN received_at timestamptz,
        ADD COLUMN regulator_ref text,
        ADD COLUMN regulator_due_at timestamptz,
        ADD COLUMN product text,
        ADD COLUMN touchpoint text,
        ADD COLUMN contact_event_id uuid REFERENCES contact_event (id),
        ADD COLUMN repeat_of_id uuid REFERENCES complaint (id),
        ADD COLUMN assignee_id uuid REFERENCES staff_user (id),
        ADD COLUMN registered_late boolean NOT NULL DEFAULT false,
        ADD COLUMN reopened_at timestamptz,
        ADD COLUMN reopen_reason text,
        ADD COLUMN reopen_count integer NOT NULL DEFAULT 0,
        ADD COLUMN criteria_judged jsonb,
        ADD COLUMN corrective_action_due_at timestamptz,
        ADD COLUMN corrective_action_status text,
        ADD COLUMN corrective_action_note text,
        ADD COLUMN corrective_action_closed_at timestamptz;
      UPDATE complaint SET received_at = registered_at;
      ALTER TABLE complaint
        ALTER COLUMN received_at SET NOT NULL,
        ADD CONSTRAINT complaint_external_id_key UNIQUE (external_id),
        ADD CONSTRAINT complaint_received_via CHECK (received_via IN
          ('callback', 'letter', 'email', 'phone', 'sms', 'web', 'in_app', 'office', 'regulator', 'sro', 'other')),
        ADD CONSTRAINT complaint_regulator_ref CHECK (received_via NOT IN ('regulator', 'sro') OR regulator_ref IS NOT NULL),
        ADD CONSTRAINT complaint_intake_complete CHECK ((external_id IS NULL) = (request_hash IS NULL)),
        ADD CONSTRAINT complaint_corrective_action_status CHECK (corrective_action_status IN ('planned', 'in_progress', 'done', 'dropped')),
        ADD CONSTRAINT complaint_corrective_action_dropped CHECK (corrective_action_status IS DISTINCT FROM 'dropped' OR corrective_action_note IS NOT NULL);
      UPDATE complaint SET corrective_action_status = 'planned' WHERE corrective_action IS NOT NULL;
      CREATE INDEX complaint_open_deadline_idx ON complaint ((coalesce(extended_due_at, due_at)), id) WHERE status <> 'resolved';
      CREATE INDEX complaint_assignee_idx ON complaint (assignee_id) WHERE status <> 'resolved';
      CREATE INDEX complaint_open_action_idx ON complaint (corrective_action_due_at) WHERE corrective_action_status IN ('planned', 'in_progress');

      CREATE TABLE complaint_attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        complaint_id uuid NOT NULL REFERENCES complaint (id),
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
        media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
        size integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
        sha256 bytea NOT NULL,
        content bytea NOT NULL,
        uploaded_by uuid REFERENCES staff_user (id),
        uploaded_at timestamptz NOT NULL
      );
      CREATE INDEX complaint_attachment_complaint_idx ON complaint_attachment (complaint_id, uploaded_at);
      CREATE TRIGGER complaint_attachment_no_delete BEFORE DELETE ON complaint_attachment
        FOR EACH ROW EXECUTE FUNCTION complaint_is_never_deleted();
      CREATE TRIGGER complaint_attachment_no_truncate BEFORE TRUNCATE ON complaint_attachment
        FOR EACH STATEMENT EXECUTE FUNCTION complaint_is_never_deleted();

      CREATE TABLE review_criterion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,59}$'),
        version integer NOT NULL CHECK (version > 0),
        position integer NOT NULL,
        text_en text NOT NULL CHECK (length(text_en) BETWEEN 1 AND 300),
        text_ru text NOT NULL CHECK (length(text_ru) BETWEEN 1 AND 300),
        retired boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES staff_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT review_criterion_version_key UNIQUE (key, version)
      );
      INSERT INTO review_criterion (key, version, position, text_en, text_ru) VALUES
        ('breach_of_law', 1, 1, 'The company breached the law', 'Компания нарушила закон'),
        ('breach_of_contract', 1, 2, 'The company breached the contract', 'Компания нарушила договор'),
        ('breach_of_sro_standard', 1, 3, 'The company breached the SRO standard', 'Компания нарушила стандарт СРО'),
        ('breach_of_service_standard', 1, 4, 'An internal service standard was breached', 'Нарушен внутренний стандарт обслуживания'),
        ('incorrect_consultation', 1, 5, 'Incorrect or incomplete consultation', 'Некорректная или неполная консультация'),
        ('calculation_error', 1, 6, 'Calculation or payment error', 'Ошибка в расчётах или платеже'),
        ('technical_failure', 1, 7, 'Technical failure on our side', 'Технический сбой с нашей стороны'),
        ('improper_conduct', 1, 8, 'Rude or improper conduct', 'Грубое или некорректное поведение'),
        ('claim_confirmed', 1, 9, 'The borrower''s claim is confirmed by recordings or documents', 'Претензия подтверждена записями или документами');
      UPDATE complaint c SET criteria_judged = (
          SELECT coalesce(jsonb_agg(jsonb_build_object('key', r.key, 'version', r.version, 'en', r.text_en, 'ru', r.text_ru) ORDER BY r.position), '[]')
            FROM review_criterion r WHERE r.key = ANY (c.criteria))
        WHERE c.classification IS NOT NULL;

      ALTER TABLE staff_user ADD COLUMN deadline_emails boolean NOT NULL DEFAULT true;

      ALTER TABLE message DROP CONSTRAINT message_purpose_check;
      ALTER TABLE message ADD CONSTRAINT message_purpose_check
        CHECK (purpose IN ('invitation', 'reminder', 'reply', 'complaint_answer', 'deadline_digest'));

      ALTER TABLE callback_task ADD COLUMN call_back_at timestamptz;
      CREATE INDEX callback_task_call_back_idx ON callback_task (assignee_id, call_back_at) WHERE call_back_at IS NOT NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP INDEX callback_task_call_back_idx;
      ALTER TABLE callback_task DROP COLUMN call_back_at;
      DELETE FROM message WHERE purpose = 'deadline_digest';
      ALTER TABLE message DROP CONSTRAINT message_purpose_check;
      ALTER TABLE message ADD CONSTRAINT message_purpose_check
        CHECK (purpose IN ('invitation', 'reminder', 'reply', 'complaint_answer'));
      ALTER TABLE staff_user DROP COLUMN deadline_emails;
      DROP TABLE review_criterion;
      DROP TABLE complaint_attachment;
      ALTER TABLE complaint
        DROP COLUMN external_id, DROP COLUMN request_hash, DROP COLUMN intake_outcome, DROP COLUMN received_at,
        DROP COLUMN regulator_ref, DROP COLUMN regulator_due_at, DROP COLUMN product, DROP COLUMN touchpoint,
        DROP COLUMN contact_event_id, DROP COLUMN repeat_of_id, DROP COLUMN assignee_id, DROP COLUMN registered_late,
        DROP COLUMN reopened_at, DROP COLUMN reopen_reason, DROP COLUMN reopen_count, DROP COLUMN criteria_judged,
        DROP COLUMN corrective_action_due_at, DROP COLUMN corrective_action_status, DROP COLUMN corrective_action_note,
        DROP COLUMN corrective_action_closed_at;
      ALTER TABLE complaint DROP CONSTRAINT complaint_received_via;
    `);
  }
}
