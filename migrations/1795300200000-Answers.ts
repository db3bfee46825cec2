import { MigrationInterface, QueryRunner } from 'typeorm';

export class Answers1795300200000 implements MigrationInterface {
  name = 'Answers1795300200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      -- Twilio may deliver the same inbound SMS twice: its MessageSid is processed once.
      CREATE TABLE inbound_message (
        provider_message_id text PRIMARY KEY,
        borrower_id uuid REFERENCES borrower (id),
        outcome text NOT NULL,
        received_at timestamptz NOT NULL
      );
      CREATE INDEX invitation_open_sms_idx ON invitation (borrower_id, sent_at DESC) WHERE channel = 'sms' AND status IN ('sent', 'delivered', 'answered');
      CREATE INDEX response_low_borrower_idx ON response (borrower_id, submitted_at) WHERE low;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP INDEX response_low_borrower_idx;
      DROP INDEX invitation_open_sms_idx;
      DROP TABLE inbound_message;
    `);
  }
}
