import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Retention's part in callbacks: the notes specialists wrote on their calls. */
@Injectable()
export class CallNotes {
  /** Erases the notes of every call to these borrowers; how many per borrower. */
  async forget(manager: EntityManager, borrowerIds: string[]): Promise<Map<string, number>> {
    const rows: { borrower_id: string; n: number }[] = await manager.query(
      `WITH u AS (UPDATE callback_attempt a SET note = NULL FROM callback_task t
                   WHERE a.task_id = t.id AND t.borrower_id = ANY($1) AND a.note IS NOT NULL RETURNING t.borrower_id)
       SELECT borrower_id, count(*)::int AS n FROM u GROUP BY 1`,
      [borrowerIds],
    );
    return new Map(rows.map((r) => [r.borrower_id, r.n]));
  }
}
