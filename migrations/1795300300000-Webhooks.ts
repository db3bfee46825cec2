import { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795300300000 implements MigrationInterface {
  name = 'Webhooks1795300300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_endpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL CHECK (url ~ '^https?://'),
        -- AES-256-GCM under a key derived from APP_SECRET: the secret signs every delivery, so it
        -- cannot be a one-way hash.
        secret_sealed text NOT NULL,
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        active boolean NOT NULL DEFAULT true,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id),
        event_key text NOT NULL,
        event_type text NOT NULL,
        payload json NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        -- An event reaches each endpoint once, however often the code that emits it runs.
        CONSTRAINT webhook_delivery_event_key UNIQUE (endpoint_id, event_key)
      );
      CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_delivery; DROP TABLE webhook_endpoint;`);
  }
}
