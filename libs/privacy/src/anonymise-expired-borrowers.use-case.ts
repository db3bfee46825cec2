import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService, SYSTEM_ACTOR } from '@app/audit';
import { CallNotes } from '@app/callbacks';
import { AppConfig } from '@app/config';
import { Clock } from '@app/core';
import { MessageContents } from '@app/messaging';
import { BorrowerPersonalData } from '@app/surveys';
import { DataSource } from 'typeorm';

const RETENTION_LOCK = 4_216_771_411;
const DAY_MS = 86_400_000;
export const ANONYMISED = '[anonymised]';

/**
 * Retention: a borrower whose last contact is older than RETENTION_RESPONSE_DAYS, whose last complaint
 * is older than RETENTION_COMPLAINT_DAYS and who has no open task or complaint loses their personal
 * data: name, phone and email; the text of their comments, call notes and messages. What stays:
 * scores, tags, dates, the external id the lender knows them by, complaint records (never rewritten:
 * the register is a regulatory record) and the audit log. Each borrower gets a destruction record
 * with counts, never values. Batched, one sweeper at a time.
 */
@Injectable()
export class AnonymiseExpiredBorrowers {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly borrowers: BorrowerPersonalData,
    private readonly callNotes: CallNotes,
    private readonly messages: MessageContents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Anonymises up to `batch` expired borrowers; null when another sweeper holds the lock. */
  async execute(batch = 500): Promise<number | null> {
    const now = this.clock.now();
    const contactCutoff = new Date(now.getTime() - this.config.retention.responseDays * DAY_MS);
    const complaintCutoff = new Date(now.getTime() - this.config.retention.complaintDays * DAY_MS);
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        RETENTION_LOCK,
      ]);
      if (!locked) return null;
      const due: { id: string }[] = await manager.query(
        `SELECT b.id FROM borrower b
          WHERE b.anonymised_at IS NULL AND b.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM contact_event e WHERE e.borrower_id = b.id AND e.occurred_at >= $1)
            AND NOT EXISTS (SELECT 1 FROM invitation i WHERE i.borrower_id = b.id AND i.campaign_id IS NOT NULL AND i.created_at >= $1)
            AND NOT EXISTS (SELECT 1 FROM complaint c WHERE c.borrower_id = b.id AND (c.registered_at >= $2 OR c.status <> 'resolved'))
            AND NOT EXISTS (SELECT 1 FROM callback_task t WHERE t.borrower_id = b.id AND t.status IN ('open', 'in_progress'))
          ORDER BY b.id LIMIT $3 FOR UPDATE OF b SKIP LOCKED`,
        [contactCutoff, complaintCutoff, batch],
      );
      if (due.length === 0) return 0;
      const ids = due.map((b) => b.id);
      // Each owner forgets its own part; the destruction record keeps how much, never what.
      const notes = await this.callNotes.forget(manager, ids);
      const messages = await this.messages.forget(manager, ids, ANONYMISED);
      const { comments, eventAttributes: attributes } = await this.borrowers.forget(manager, ids, now);
      await manager.query(
        `INSERT INTO data_destruction (borrower_id, destroyed_at, reason, counts)
         SELECT id, $2, 'retention', jsonb_build_object('contacts', 1, 'comments', c, 'callNotes', n, 'messages', m, 'eventAttributes', a)
           FROM unnest($1::uuid[], $3::int[], $4::int[], $5::int[], $6::int[]) AS x(id, c, n, m, a)`,
        [
          ids,
          now,
          ids.map((id) => comments.get(id) ?? 0),
          ids.map((id) => notes.get(id) ?? 0),
          ids.map((id) => messages.get(id) ?? 0),
          ids.map((id) => attributes.get(id) ?? 0),
        ],
      );
      await this.audit.record(
        SYSTEM_ACTOR,
        {
          action: 'borrower.anonymised',
          entityType: 'borrower',
          details: {
            borrowers: ids.length,
            reason: 'retention',
            responseDays: this.config.retention.responseDays,
            complaintDays: this.config.retention.complaintDays,
          },
        },
        manager,
      );
      return ids.length;
    });
  }
}
