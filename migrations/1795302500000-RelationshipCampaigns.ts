import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Relationship campaigns: surveys sent to a list of borrowers who did not contact the lender. A campaign
 * (idempotent by the integrator's `external_id`, its first answer kept for replays) and its recipients,
 * one row per borrower (the key that keeps a borrower from being invited twice by one campaign), each
 * either invited or skipped with a reason; a console draft keeps its uploaded file until it starts. An invitation now comes from a contact event or a campaign,
 * never both; it keeps the product it was sent for and when its survey was first opened.
 *
 * `nps_relationship` becomes what its name says: a programme of its own for campaigns, with no touchpoint.
 * The NPS after a loan or a repayment continues, unchanged, as `nps_transaction`.
 */
export class RelationshipCampaigns1795302500000 implements MigrationInterface {
  name = 'RelationshipCampaigns1795302500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE campaign (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id text CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        survey_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'paused', 'cancelled')),
        start_at timestamptz NOT NULL,
        spread_days integer NOT NULL CHECK (spread_days BETWEEN 0 AND 30),
        recipient_count integer NOT NULL DEFAULT 0,
        body_hash bytea,
        outcome jsonb,
        preview jsonb,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        paused_at timestamptz,
        cancelled_at timestamptz,
        CONSTRAINT campaign_external_id_key UNIQUE (external_id)
      );
      CREATE INDEX campaign_created_idx ON campaign (created_at DESC);

      -- A console draft's uploaded file, kept until the campaign starts or is cancelled (then deleted).
      CREATE TABLE campaign_upload (
        campaign_id uuid PRIMARY KEY REFERENCES campaign (id),
        file_name text NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL
      );

      ALTER TABLE invitation ALTER COLUMN contact_event_id DROP NOT NULL;
      ALTER TABLE invitation ADD COLUMN campaign_id uuid REFERENCES campaign (id);
      ALTER TABLE invitation ADD COLUMN product text;
      ALTER TABLE invitation ADD COLUMN opened_at timestamptz;
      ALTER TABLE invitation ADD CONSTRAINT invitation_one_origin CHECK ((contact_event_id IS NULL) <> (campaign_id IS NULL));
      CREATE INDEX invitation_campaign_idx ON invitation (campaign_id, status) WHERE campaign_id IS NOT NULL;
      ALTER TABLE metric_invitation_daily ADD COLUMN opened integer NOT NULL DEFAULT 0;

      CREATE TABLE campaign_recipient (
        campaign_id uuid NOT NULL REFERENCES campaign (id),
        borrower_external_id text NOT NULL,
        ordinal integer NOT NULL,
        invitation_id uuid REFERENCES invitation (id),
        skip_reason text CHECK (skip_reason IN ('contact_cap', 'opted_out', 'no_reachable_channel', 'duplicate')),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (campaign_id, borrower_external_id),
        CHECK ((invitation_id IS NULL) <> (skip_reason IS NULL))
      );
    `);
    // The relationship programme: the current version's texts and settings, no touchpoint; the
    // transactional NPS keeps the touchpoints under a key of its own.
    await db.query(`
      INSERT INTO survey (key, version, is_current, kind, title, questions, comment_prompt, trigger_touchpoints, products, channel_order,
                          delay_seconds, expiry_seconds, reminder_delay_seconds, sample_rate, low_score_threshold, active, priority, created_at)
      SELECT 'nps_transaction', 1, true, kind,
             '{"en": "Likelihood to recommend after a loan or a repayment", "ru": "Готовность рекомендовать после займа или погашения"}'::jsonb,
             questions, comment_prompt, trigger_touchpoints, products, channel_order,
             delay_seconds, expiry_seconds, reminder_delay_seconds, sample_rate, low_score_threshold, active, priority, now()
        FROM survey WHERE key = 'nps_relationship' AND is_current;
      WITH previous AS (
        UPDATE survey SET is_current = false WHERE key = 'nps_relationship' AND is_current RETURNING *)
      INSERT INTO survey (key, version, is_current, kind, title, questions, comment_prompt, trigger_touchpoints, products, channel_order,
                          delay_seconds, expiry_seconds, reminder_delay_seconds, sample_rate, low_score_threshold, active, priority, created_at)
      SELECT key, version + 1, true, kind,
             '{"en": "Relationship NPS (campaigns)", "ru": "NPS лояльности (кампании)"}'::jsonb,
             questions, comment_prompt, '{}', NULL, channel_order,
             0, expiry_seconds, reminder_delay_seconds, 1, low_score_threshold, true, 0, now()
        FROM previous;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE campaign_recipient;
      DROP TABLE campaign_upload;
      DELETE FROM invitation WHERE campaign_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM response r WHERE r.invitation_id = invitation.id);
      DROP INDEX invitation_campaign_idx;
      ALTER TABLE metric_invitation_daily DROP COLUMN opened;
      ALTER TABLE invitation DROP CONSTRAINT invitation_one_origin;
      ALTER TABLE invitation DROP COLUMN opened_at;
      ALTER TABLE invitation DROP COLUMN product;
      ALTER TABLE invitation DROP COLUMN campaign_id;
      ALTER TABLE invitation ALTER COLUMN contact_event_id SET NOT NULL;
      DROP TABLE campaign;
    `);
    const deleted: unknown[] = await db.query(
      `DELETE FROM survey s WHERE key = 'nps_relationship' AND is_current AND trigger_touchpoints = '{}'
          AND NOT EXISTS (SELECT 1 FROM invitation i WHERE i.survey_id = s.id) RETURNING version`,
    );
    // UPDATE and DELETE … RETURNING answer [rows, count] through TypeORM's runner.
    const rows = (Array.isArray(deleted[0]) ? deleted[0] : deleted) as { version: number }[];
    if (rows.length > 0)
      await db.query(`UPDATE survey SET is_current = true WHERE key = 'nps_relationship' AND version = $1`, [
        rows[0]!.version - 1,
      ]);
    await db.query(
      `DELETE FROM survey s WHERE key = 'nps_transaction' AND NOT EXISTS (SELECT 1 FROM invitation i WHERE i.survey_id = s.id)`,
    );
  }
}
