import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lender's contact-centre operators: the contact events' `agentRef` with a name and a team, kept by
 * admins or imported from a CSV, so answers and complaints can be read per operator and per team.
 */
export class Operators1795302100000 implements MigrationInterface {
  name = 'Operators1795302100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE operator (
        agent_ref text PRIMARY KEY CHECK (length(agent_ref) BETWEEN 1 AND 100),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        team text CHECK (team IS NULL OR length(team) BETWEEN 1 AND 100),
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      );
      CREATE INDEX contact_event_agent_ref_idx ON contact_event (agent_ref, occurred_at) WHERE agent_ref IS NOT NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX contact_event_agent_ref_idx; DROP TABLE operator;`);
  }
}
