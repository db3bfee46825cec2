import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows, Rows } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { CampaignPreview, CampaignStatus, RecipientSkip, RecipientsOutcome } from './campaign.model';

export interface CampaignRow {
  id: string;
  external_id: string | null;
  name: string;
  survey_key: string;
  status: CampaignStatus;
  start_at: Date;
  spread_days: number;
  recipient_count: number;
  body_hash: Buffer | null;
  outcome: RecipientsOutcome | null;
  preview: CampaignPreview | null;
  paused_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, external_id, name, survey_key, status, start_at, spread_days, recipient_count, body_hash, outcome, preview, paused_at, created_at`;

export interface RecipientRow extends Record<string, unknown> {
  borrower_external_id: string;
  ordinal: number;
  invitation_id: string | null;
  skip_reason: RecipientSkip | null;
}

/** The owner of `campaign` and `campaign_recipient`. */
@Injectable()
export class CampaignRecords {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async byExternalId(manager: EntityManager, externalId: string): Promise<CampaignRow | null> {
    const [row] = await queryRows<CampaignRow>(
      manager,
      `SELECT ${COLUMNS} FROM campaign WHERE external_id = $1`,
      [externalId],
    );
    return row ?? null;
  }

  async insert(
    manager: EntityManager,
    row: Omit<CampaignRow, 'recipient_count' | 'outcome' | 'paused_at'> & { created_by: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO campaign (id, external_id, name, survey_key, status, start_at, spread_days, body_hash, created_by, created_at, updated_at, preview)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)`,
      [
        row.id,
        row.external_id,
        row.name,
        row.survey_key,
        row.status,
        row.start_at,
        row.spread_days,
        row.body_hash,
        row.created_by,
        row.created_at,
        row.preview ? JSON.stringify(row.preview) : null,
      ],
    );
  }

  /** The campaign, its row locked until the transaction ends (pages, cancels and starts queue behind). */
  async lockForChange(manager: EntityManager, id: string): Promise<CampaignRow | null> {
    const [row] = await queryRows<CampaignRow>(
      manager,
      `SELECT ${COLUMNS} FROM campaign WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  async get(id: string): Promise<CampaignRow | null> {
    const [row] = await queryRows<CampaignRow>(this.db, `SELECT ${COLUMNS} FROM campaign WHERE id = $1`, [
      id,
    ]);
    return row ?? null;
  }

  /** The newest campaigns first. */
  list(limit: number): Promise<CampaignRow[]> {
    return queryRows<CampaignRow>(
      this.db,
      `SELECT ${COLUMNS} FROM campaign ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
  }

  /** Which of these borrowers the campaign has already (invited or skipped). */
  async knownRecipients(manager: EntityManager, id: string, externalIds: string[]): Promise<Set<string>> {
    const rows = await queryRows<{ borrower_external_id: string }>(
      manager,
      `SELECT borrower_external_id FROM campaign_recipient WHERE campaign_id = $1 AND borrower_external_id = ANY($2::text[])`,
      [id, externalIds],
    );
    return new Set(rows.map((r) => r.borrower_external_id));
  }

  /** The page's new recipients and the campaign's count, in one statement. */
  async addRecipients(
    manager: EntityManager,
    id: string,
    recipients: RecipientRow[],
    now: Date,
  ): Promise<void> {
    if (recipients.length === 0) return;
    const rows = new Rows<RecipientRow>({
      borrower_external_id: 'text',
      ordinal: 'int',
      invitation_id: 'uuid',
      skip_reason: 'text',
    });
    for (const r of recipients) rows.push(r);
    const params: unknown[] = [id, now];
    await manager.query(
      `WITH added AS (
         INSERT INTO campaign_recipient (campaign_id, ${rows.columns}, created_at)
         SELECT $1, r.*, $2 FROM ${rows.unnest(params, 'r')} RETURNING 1)
       UPDATE campaign SET recipient_count = recipient_count + (SELECT count(*) FROM added), updated_at = $2 WHERE id = $1`,
      params,
    );
  }

  async setStatus(manager: EntityManager, id: string, status: CampaignStatus, now: Date): Promise<void> {
    await manager.query(
      `UPDATE campaign SET status = $2, updated_at = $3,
              cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END,
              paused_at = CASE WHEN $2 = 'paused' THEN $3 END,
              start_at = CASE WHEN status = 'draft' AND $2 = 'scheduled' THEN greatest(start_at, $3) ELSE start_at END
        WHERE id = $1`,
      [id, status, now],
    );
  }

  /** A draft's file, kept until it starts. */
  async saveUpload(
    manager: EntityManager,
    id: string,
    fileName: string,
    content: Buffer,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO campaign_upload (campaign_id, file_name, content, created_at) VALUES ($1, $2, $3, $4)`,
      [id, fileName, content, now],
    );
  }

  /** Whether the campaign still holds its file (without reading its bytes). */
  async hasUpload(id: string): Promise<boolean> {
    const rows = await queryRows(this.db, `SELECT 1 FROM campaign_upload WHERE campaign_id = $1`, [id]);
    return rows.length > 0;
  }

  async readUpload(manager: EntityManager, id: string): Promise<Buffer | null> {
    const [row] = await queryRows<{ content: Buffer }>(
      manager,
      `SELECT content FROM campaign_upload WHERE campaign_id = $1`,
      [id],
    );
    return row?.content ?? null;
  }

  /** A draft's file, deleted as it is read (it holds personal data the campaign no longer needs). */
  async takeUpload(manager: EntityManager, id: string): Promise<Buffer | null> {
    const [row] = await queryRows<{ content: Buffer }>(
      manager,
      `DELETE FROM campaign_upload WHERE campaign_id = $1 RETURNING content`,
      [id],
    );
    return row?.content ?? null;
  }

  async saveOutcome(manager: EntityManager, id: string, outcome: RecipientsOutcome): Promise<void> {
    await manager.query(`UPDATE campaign SET outcome = $2 WHERE id = $1`, [id, JSON.stringify(outcome)]);
  }

  /** Each campaign's skipped recipients by reason. */
  async skipCounts(ids: string[]): Promise<Map<string, Partial<Record<RecipientSkip, number>>>> {
    const rows = await queryRows<{ campaign_id: string; skip_reason: RecipientSkip; n: number }>(
      this.db,
      `SELECT campaign_id, skip_reason, count(*)::int AS n FROM campaign_recipient
        WHERE campaign_id = ANY($1::uuid[]) AND skip_reason IS NOT NULL GROUP BY campaign_id, skip_reason`,
      [ids],
    );
    const counts = new Map(ids.map((id) => [id, {} as Partial<Record<RecipientSkip, number>>]));
    for (const r of rows) counts.get(r.campaign_id)![r.skip_reason] = r.n;
    return counts;
  }
}
