import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Retention's part in messaging: what was sent to borrowers, and where, replaced by a placeholder. */
@Injectable()
export class MessageContents {
  /** Replaces the recipient and text of every message to these borrowers; how many per borrower. */
  async forget(
    manager: EntityManager,
    borrowerIds: string[],
    placeholder: string,
  ): Promise<Map<string, number>> {
    const rows: { borrower_id: string; n: number }[] = await manager.query(
      `WITH u AS (UPDATE message SET recipient = $2, subject = NULL, body_text = $2, body_html = NULL
                   WHERE borrower_id = ANY($1) AND body_text <> $2 RETURNING borrower_id)
       SELECT borrower_id, count(*)::int AS n FROM u GROUP BY 1`,
      [borrowerIds, placeholder],
    );
    return new Map(rows.map((r) => [r.borrower_id, r.n]));
  }
}
