import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily rollups for the dashboards and GET /api/v1/metrics: counts and sums only (never percentages),
 * per day in the lender's zone, survey, touchpoint, channel, product ('' for none) and locale.
 * Responses count on the day they were submitted; invitations on the day they were (to be) sent.
 */
export class MetricRollups1795300700000 implements MigrationInterface {
  name = 'MetricRollups1795300700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metric_response_daily (
        day date NOT NULL,
        survey_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('CSI', 'NPS', 'CLI')),
        touchpoint text NOT NULL,
        channel text NOT NULL,
        product text NOT NULL,
        locale text NOT NULL,
        responses integer NOT NULL CHECK (responses > 0),
        score_sum numeric NOT NULL,
        top2 integer NOT NULL,
        promoters integer NOT NULL,
        passives integer NOT NULL,
        detractors integer NOT NULL,
        low integer NOT NULL,
        PRIMARY KEY (day, survey_key, touchpoint, channel, product, locale)
      );
      CREATE INDEX metric_response_daily_kind_day_idx ON metric_response_daily (kind, day);

      CREATE TABLE metric_invitation_daily (
        day date NOT NULL,
        survey_key text NOT NULL,
        touchpoint text NOT NULL,
        channel text NOT NULL,
        product text NOT NULL,
        locale text NOT NULL,
        scheduled integer NOT NULL,
        sent integer NOT NULL,
        delivered integer NOT NULL,
        answered integer NOT NULL,
        failed integer NOT NULL,
        expired integer NOT NULL,
        PRIMARY KEY (day, survey_key, touchpoint, channel, product, locale)
      );

      -- One row: how far the incremental refresh has read.
      CREATE TABLE metric_rollup_state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        responses_through timestamptz,
        invitations_refreshed_at timestamptz,
        time_zone text
      );
      INSERT INTO metric_rollup_state DEFAULT VALUES;
      -- The invitation rollup re-reads the last days by send time.
      CREATE INDEX invitation_send_at_idx ON invitation (send_at);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DROP INDEX invitation_send_at_idx; DROP TABLE metric_rollup_state; DROP TABLE metric_invitation_daily; DROP TABLE metric_response_daily;`,
    );
  }
}
