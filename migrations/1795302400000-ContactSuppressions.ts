import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An opt-out belongs to the address, not to one borrower record: STOP from a number, an unsubscribe
 * from an address, a provider's opt-out. Every record that carries the address, now or later, gets
 * nothing on that channel while the entry is live. An admin may lift an entry, with a reason; the row
 * stays. The opt-outs already recorded on borrower records become entries here.
 */
export class ContactSuppressions1795302400000 implements MigrationInterface {
  name = 'ContactSuppressions1795302400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contact_suppression (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        address text NOT NULL CHECK (length(address) BETWEEN 3 AND 320),
        reason text NOT NULL CHECK (reason IN ('stop', 'unsubscribe', 'provider_opt_out', 'recorded')),
        created_at timestamptz NOT NULL,
        lifted_at timestamptz,
        lifted_by text,
        lift_reason text,
        CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (lift_reason IS NULL))
      );
      CREATE UNIQUE INDEX contact_suppression_live_key ON contact_suppression (channel, address) WHERE lifted_at IS NULL;

      INSERT INTO contact_suppression (channel, address, reason, created_at)
      SELECT 'sms', phone, 'recorded', min(sms_opted_out_at) FROM borrower
       WHERE sms_opted_out_at IS NOT NULL AND phone IS NOT NULL GROUP BY phone;
      INSERT INTO contact_suppression (channel, address, reason, created_at)
      SELECT 'email', lower(email), 'recorded', min(email_opted_out_at) FROM borrower
       WHERE email_opted_out_at IS NOT NULL AND email IS NOT NULL GROUP BY lower(email);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE contact_suppression`);
  }
}
