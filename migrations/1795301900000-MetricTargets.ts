import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Targets the lender sets for its figures (NPS 45, CLI 7…) for a span of days, for the whole lender or
 * one touchpoint or product. A target is never edited in place: a change archives it and adds another,
 * so what the dashboard compared against stays on record. One live target per figure, scope and start.
 */
export class MetricTargets1795301900000 implements MigrationInterface {
  name = 'MetricTargets1795301900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metric_target (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        metric text NOT NULL CHECK (metric IN ('CSI', 'CSAT', 'NPS', 'CLI')),
        touchpoint text CHECK (touchpoint IS NULL OR length(touchpoint) BETWEEN 1 AND 100),
        product text CHECK (product IS NULL OR length(product) BETWEEN 1 AND 100),
        starts_on date NOT NULL,
        ends_on date NOT NULL CHECK (ends_on >= starts_on),
        value numeric(6, 2) NOT NULL CHECK (
          (metric = 'CSI' AND value BETWEEN 1 AND 5) OR (metric = 'CSAT' AND value BETWEEN 0 AND 100) OR
          (metric = 'NPS' AND value BETWEEN -100 AND 100) OR (metric = 'CLI' AND value BETWEEN 0 AND 10)),
        set_by text NOT NULL,
        set_at timestamptz NOT NULL,
        archived_at timestamptz
      );
      CREATE UNIQUE INDEX metric_target_live_key ON metric_target (metric, touchpoint, product, starts_on)
        NULLS NOT DISTINCT WHERE archived_at IS NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE metric_target`);
  }
}
