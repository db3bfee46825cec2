import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core of the domain model (design.md "Domain model"). Invariants that must hold under
 * concurrency live here as constraints, not in application code: one event per external id,
 * one invitation per event, one response per invitation, one task per low response,
 * gap-free complaint numbers per year, and an append-only audit log.
 */
export class InitialSchema1795300000000 implements MigrationInterface {
  name = 'InitialSchema1795300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE borrower (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id text NOT NULL,
        name text,
        phone text,
        email text,
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        time_zone text NOT NULL DEFAULT 'Europe/Moscow',
        sms_opted_out_at timestamptz,
        email_opted_out_at timestamptz,
        anonymised_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT borrower_external_id_key UNIQUE (external_id),
        CONSTRAINT borrower_phone_e164 CHECK (phone IS NULL OR phone ~ '^\\+[1-9][0-9]{6,14}$')
      );
      CREATE INDEX borrower_phone_idx ON borrower (phone) WHERE phone IS NOT NULL;
      CREATE INDEX borrower_email_idx ON borrower (lower(email)) WHERE email IS NOT NULL;

      CREATE TABLE staff_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('agent', 'expert', 'compliance', 'admin')),
        password_hash text NOT NULL,
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        time_zone text NOT NULL DEFAULT 'Europe/Moscow',
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX staff_user_email_key ON staff_user (lower(email));

      CREATE TABLE survey (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        is_current boolean NOT NULL DEFAULT true,
        kind text NOT NULL CHECK (kind IN ('CSI', 'NPS', 'CLI')),
        name text NOT NULL,
        questions jsonb NOT NULL,
        comment_prompt jsonb,
        trigger_touchpoints text[] NOT NULL,
        products text[],
        channel_order text[] NOT NULL,
        delay_seconds integer NOT NULL DEFAULT 0 CHECK (delay_seconds >= 0),
        expiry_seconds integer NOT NULL CHECK (expiry_seconds > 0),
        reminder_delay_seconds integer CHECK (reminder_delay_seconds > 0),
        sample_rate numeric(5, 4) NOT NULL DEFAULT 1 CHECK (sample_rate >= 0 AND sample_rate <= 1),
        low_score_threshold numeric(4, 2) NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES staff_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT survey_key_version_key UNIQUE (key, version)
      );
      CREATE UNIQUE INDEX survey_current_key ON survey (key) WHERE is_current;

      CREATE TABLE contact_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id text NOT NULL,
        borrower_id uuid NOT NULL REFERENCES borrower (id),
        touchpoint text NOT NULL,
        product text,
        agent_ref text,
        preferred_channel text CHECK (preferred_channel IN ('sms', 'email', 'in_app')),
        occurred_at timestamptz NOT NULL,
        attributes jsonb NOT NULL DEFAULT '{}',
        body_hash bytea NOT NULL,
        outcome json NOT NULL, -- json, not jsonb: a replay answers byte for byte what the first call answered
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contact_event_external_id_key UNIQUE (external_id)
      );
      CREATE INDEX contact_event_borrower_idx ON contact_event (borrower_id, occurred_at DESC);

      CREATE TABLE invitation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_event_id uuid NOT NULL REFERENCES contact_event (id),
        survey_id uuid NOT NULL REFERENCES survey (id),
        borrower_id uuid NOT NULL REFERENCES borrower (id),
        channel text NOT NULL CHECK (channel IN ('sms', 'email', 'in_app')),
        locale text NOT NULL CHECK (locale IN ('ru', 'en')),
        token_hash bytea NOT NULL,
        status text NOT NULL DEFAULT 'scheduled'
          CHECK (status IN ('scheduled', 'sent', 'delivered', 'answered', 'expired', 'failed', 'cancelled')),
        send_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        sent_at timestamptz,
        delivered_at timestamptz,
        answered_at timestamptz,
        expired_at timestamptz,
        failed_at timestamptz,
        cancelled_at timestamptz,
        remind_at timestamptz,
        reminded_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT invitation_contact_event_key UNIQUE (contact_event_id),
        CONSTRAINT invitation_token_hash_key UNIQUE (token_hash),
        CONSTRAINT invitation_expiry_after_send CHECK (expires_at > send_at)
      );
      CREATE INDEX invitation_due_idx ON invitation (next_attempt_at) WHERE status = 'scheduled';
      CREATE INDEX invitation_borrower_idx ON invitation (borrower_id, created_at DESC);
      CREATE INDEX invitation_open_expiry_idx ON invitation (expires_at) WHERE status IN ('scheduled', 'sent', 'delivered');

      CREATE TABLE message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL,
        invitation_id uuid REFERENCES invitation (id),
        borrower_id uuid REFERENCES borrower (id),
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        purpose text NOT NULL CHECK (purpose IN ('invitation', 'reminder', 'reply', 'complaint_answer')),
        transport text NOT NULL CHECK (transport IN ('twilio', 'smtp', 'outbox')),
        recipient text NOT NULL,
        subject text,
        body_text text NOT NULL,
        body_html text,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed')),
        provider_message_id text,
        error_code text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        delivered_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT message_idempotency_key UNIQUE (idempotency_key),
        CONSTRAINT message_provider_message_id_key UNIQUE (provider_message_id)
      );
      CREATE INDEX message_invitation_idx ON message (invitation_id);
      CREATE INDEX message_due_idx ON message (next_attempt_at) WHERE status = 'queued';

      CREATE TABLE response (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invitation_id uuid NOT NULL REFERENCES invitation (id),
        survey_id uuid NOT NULL REFERENCES survey (id),
        borrower_id uuid NOT NULL REFERENCES borrower (id),
        touchpoint text NOT NULL,
        channel text NOT NULL,
        product text,
        locale text NOT NULL,
        answers jsonb NOT NULL,
        score numeric(4, 2) NOT NULL,
        low boolean NOT NULL,
        comment text,
        comment_updated_at timestamptz,
        tags text[] NOT NULL DEFAULT '{}',
        source text NOT NULL CHECK (source IN ('web', 'sms', 'in_app')),
        submitted_at timestamptz NOT NULL,
        CONSTRAINT response_invitation_key UNIQUE (invitation_id)
      );
      CREATE INDEX response_submitted_idx ON response (submitted_at);
      CREATE INDEX response_borrower_idx ON response (borrower_id, submitted_at DESC);

      CREATE TABLE callback_task (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        response_id uuid NOT NULL REFERENCES response (id),
        borrower_id uuid NOT NULL REFERENCES borrower (id),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'complaint', 'closed')),
        priority integer NOT NULL DEFAULT 0,
        assignee_id uuid REFERENCES staff_user (id),
        tags text[] NOT NULL DEFAULT '{}',
        first_contact_due_at timestamptz NOT NULL,
        first_contact_at timestamptz,
        escalated_at timestamptz,
        attempt_count integer NOT NULL DEFAULT 0,
        closure_reason text CHECK (closure_reason IN ('not_a_complaint', 'unreachable', 'complaint_resolved')),
        closed_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT callback_task_response_key UNIQUE (response_id),
        CONSTRAINT callback_task_closed_has_reason CHECK ((status = 'closed') = (closure_reason IS NOT NULL))
      );
      CREATE INDEX callback_task_queue_idx ON callback_task (priority DESC, first_contact_due_at, id) WHERE status = 'open';
      CREATE INDEX callback_task_assignee_idx ON callback_task (assignee_id, status);
      CREATE INDEX callback_task_status_idx ON callback_task (status, created_at DESC, id);

      CREATE TABLE callback_attempt (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL REFERENCES callback_task (id),
        agent_id uuid NOT NULL REFERENCES staff_user (id),
        result text NOT NULL CHECK (result IN ('reached', 'no_answer', 'busy', 'wrong_number', 'call_back_later')),
        note text,
        call_back_at timestamptz,
        attempted_at timestamptz NOT NULL,
        CONSTRAINT callback_attempt_call_back_at CHECK ((result = 'call_back_later') = (call_back_at IS NOT NULL))
      );
      CREATE INDEX callback_attempt_task_idx ON callback_attempt (task_id, attempted_at);

      -- Gap-free numbering: the row for the year is locked and incremented in the registering
      -- transaction, so a rollback also rolls the counter back (a sequence would leave a gap).
      CREATE TABLE complaint_counter (
        year integer PRIMARY KEY,
        last_value integer NOT NULL CHECK (last_value >= 0)
      );

      CREATE TABLE complaint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        register_year integer NOT NULL,
        register_seq integer NOT NULL CHECK (register_seq > 0),
        register_no text GENERATED ALWAYS AS (register_year::text || '-' || lpad(register_seq::text, 6, '0')) STORED,
        task_id uuid REFERENCES callback_task (id),
        borrower_id uuid NOT NULL REFERENCES borrower (id),
        received_via text NOT NULL,
        category text NOT NULL,
        substance text NOT NULL,
        status text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'under_review', 'resolved')),
        registered_at timestamptz NOT NULL,
        registered_by uuid REFERENCES staff_user (id),
        due_at timestamptz NOT NULL,
        extended_due_at timestamptz,
        extension_reason text,
        extension_notified_at timestamptz,
        criteria text[] NOT NULL DEFAULT '{}',
        classification text CHECK (classification IN ('justified', 'partly_justified', 'unjustified')),
        root_cause text,
        response_type text CHECK (response_type IN ('accept_with_redress', 'redress_without_accepting', 'reject_with_reasons', 'explanation')),
        redress text,
        resolution text,
        corrective_action text,
        corrective_action_owner text,
        reviewer_id uuid REFERENCES staff_user (id),
        resolved_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT complaint_register_key UNIQUE (register_year, register_seq),
        CONSTRAINT complaint_task_key UNIQUE (task_id),
        CONSTRAINT complaint_extension_complete CHECK ((extended_due_at IS NULL) = (extension_reason IS NULL))
      );
      CREATE INDEX complaint_registered_idx ON complaint (registered_at, id);
      CREATE INDEX complaint_open_due_idx ON complaint (due_at) WHERE status <> 'resolved';

      CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        created_by uuid REFERENCES staff_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_key_secret_hash_key UNIQUE (secret_hash)
      );

      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('staff', 'api_key', 'system', 'borrower')),
        actor_id text,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        details jsonb
      );
      CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id);
      CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at, id);

      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

      CREATE TABLE working_day (
        day date PRIMARY KEY,
        is_working boolean NOT NULL,
        kind text NOT NULL CHECK (kind IN ('workday', 'weekend', 'holiday', 'transferred_workday', 'transferred_day_off', 'shortened')),
        note text
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE working_day;
      DROP TABLE audit_log;
      DROP FUNCTION audit_log_is_append_only();
      DROP TABLE api_key;
      DROP TABLE complaint;
      DROP TABLE complaint_counter;
      DROP TABLE callback_attempt;
      DROP TABLE callback_task;
      DROP TABLE response;
      DROP TABLE message;
      DROP TABLE invitation;
      DROP TABLE contact_event;
      DROP TABLE survey;
      DROP TABLE staff_user;
      DROP TABLE borrower;
    `);
  }
}
