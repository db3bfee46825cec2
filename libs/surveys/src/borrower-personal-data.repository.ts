import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Rows changed per borrower, for the destruction record (counts, never values). */
type CountsByBorrower = Map<string, number>;

async function countsByBorrower(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<CountsByBorrower> {
  const rows: { borrower_id: string; n: number }[] = await manager.query(sql, params);
  return new Map(rows.map((r) => [r.borrower_id, r.n]));
}

/**
 * Retention's part in the tables this library owns: borrowers lose their name, phone and email,
 * their comments and the attributes of their contact events. Scores, tags, dates and the external id
 * the lender knows them by stay. Called by privacy in its own transaction.
 */
@Injectable()
export class BorrowerPersonalData {
  async forget(
    manager: EntityManager,
    borrowerIds: string[],
    now: Date,
  ): Promise<{ comments: CountsByBorrower; eventAttributes: CountsByBorrower }> {
    const comments = await countsByBorrower(
      manager,
      `WITH u AS (UPDATE response SET comment = NULL WHERE borrower_id = ANY($1) AND comment IS NOT NULL RETURNING borrower_id)
       SELECT borrower_id, count(*)::int AS n FROM u GROUP BY 1`,
      [borrowerIds],
    );
    const eventAttributes = await countsByBorrower(
      manager,
      `WITH u AS (UPDATE contact_event SET attributes = '{}' WHERE borrower_id = ANY($1) AND attributes <> '{}' RETURNING borrower_id)
       SELECT borrower_id, count(*)::int AS n FROM u GROUP BY 1`,
      [borrowerIds],
    );
    await manager.query(
      `UPDATE borrower SET name = NULL, phone = NULL, email = NULL, anonymised_at = $2, updated_at = $2 WHERE id = ANY($1)`,
      [borrowerIds, now],
    );
    return { comments, eventAttributes };
  }
}
