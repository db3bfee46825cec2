import { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff console sessions (only the token's hash is kept) and the sign-in throttle. */
export class ConsoleSessions1795300600000 implements MigrationInterface {
  name = 'ConsoleSessions1795300600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE staff_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL,
        user_id uuid NOT NULL REFERENCES staff_user (id),
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT staff_session_token_hash_key UNIQUE (token_hash)
      );
      CREATE INDEX staff_session_user_idx ON staff_session (user_id) WHERE revoked_at IS NULL;

      -- Failed sign-ins per (email, address) pair and per address: a key is a hash, never the email itself.
      CREATE TABLE sign_in_throttle (
        key bytea PRIMARY KEY,
        failures integer NOT NULL CHECK (failures >= 0),
        window_started_at timestamptz NOT NULL,
        blocked_until timestamptz
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sign_in_throttle; DROP TABLE staff_session;`);
  }
}
