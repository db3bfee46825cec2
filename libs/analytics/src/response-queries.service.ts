import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import { decodeCursor, encodeCursor, ValidationFailedException } from '@app/core';
import { DataSource } from 'typeorm';
import {
  CATEGORY_SQL,
  filtersFingerprint,
  givenFilters,
  RESPONSE_FROM,
  responseConditions,
  ResponseFilters,
  validateResponseFilters,
} from './response-filters';

export interface ResponseItem {
  id: string;
  answeredAt: string;
  survey: string;
  kind: string;
  score: number;
  answers: Record<string, number>;
  comment: string | null;
  tags: string[];
  /** The comment's main category: its first tag other than `other`, else `other`; null without tags. */
  category: string | null;
  touchpoint: string;
  channel: string;
  product: string | null;
  segment: string | null;
  /** The contact event's `agentRef`: the operator whose contact was surveyed. */
  operator: string | null;
  borrower: { externalId: string };
  event: { externalId: string } | null;
  /** The relationship campaign the survey came from, when it did. */
  campaign: { id: string; name: string } | null;
  invitationId: string;
  callbackTaskId: string | null;
  /** The complaint registered from its callback, for the console's link. */
  complaintId: string | null;
}

/**
 * Every answer, newest first, filtered the way the dashboard is (period in the lender's zone,
 * programme, kind, touchpoint, channel, product, segment, operator, tag, category, low only, with a
 * comment). Comments are personal data: each page read is audited with the filters and the ids shown.
 */
@Injectable()
export class ResponseQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(
    actor: Actor,
    filters: ResponseFilters & { limit?: number; cursor?: string },
  ): Promise<{ items: ResponseItem[]; nextCursor: string | null }> {
    const limit = filters.limit ?? 50;
    validateResponseFilters(filters);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new ValidationFailedException([{ path: 'limit', message: 'must be from 1 to 200' }]);
    // A cursor this API did not give out is refused by decodeCursor itself (400, path `cursor`); one
    // given out for other filters would page through a different list, so it is refused too.
    const after = decodeCursor(filters.cursor, ['fingerprint', 'timestamp', 'uuid']);
    const fingerprint = filtersFingerprint(filters);
    if (after && after[0] !== fingerprint)
      throw new ValidationFailedException([{ path: 'cursor', message: 'belongs to other filters' }]);

    // $1 limit + 1, $2 the lender's zone; then each filter in turn.
    const params: unknown[] = [limit + 1, this.config.lenderTimeZone];
    const where = responseConditions(filters, params, '$2');
    if (after)
      where.push(
        `(r.submitted_at, r.id) < ($${params.push(after[1])}::timestamptz, $${params.push(after[2])}::uuid)`,
      );
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT r.id, r.submitted_at, r.submitted_at::text AS submitted_key, s.key AS survey, s.kind, r.score, r.answers,
              r.comment, r.tags, ${CATEGORY_SQL} AS category, r.touchpoint, r.channel, r.product, b.segment,
              e.agent_ref, b.external_id AS borrower_external_id, e.external_id AS event_external_id,
              cp.id AS campaign_id, cp.name AS campaign_name, r.invitation_id, t.id AS task_id, c.id AS complaint_id, $2::text AS zone
         FROM ${RESPONSE_FROM}
         LEFT JOIN callback_task t ON t.response_id = r.id
         LEFT JOIN complaint c ON c.task_id = t.id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.submitted_at DESC, r.id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1]! : null;
    const items = page.map(toItem);
    await this.audit.record(actor, {
      action: 'responses.listed',
      entityType: 'response',
      details: { filters: givenFilters(filters), ids: items.map((r) => r.id) },
    });
    return {
      items,
      nextCursor: last ? encodeCursor([fingerprint, last.submitted_key as string, last.id as string]) : null,
    };
  }
}

function toItem(row: Record<string, unknown>): ResponseItem {
  return {
    id: row.id as string,
    answeredAt: (row.submitted_at as Date).toISOString(),
    survey: row.survey as string,
    kind: row.kind as string,
    score: Number(row.score),
    answers: row.answers as Record<string, number>,
    comment: (row.comment as string | null) ?? null,
    tags: row.tags as string[],
    category: (row.category as string | null) ?? null,
    touchpoint: row.touchpoint as string,
    channel: row.channel as string,
    product: (row.product as string | null) ?? null,
    segment: (row.segment as string | null) ?? null,
    operator: (row.agent_ref as string | null) ?? null,
    borrower: { externalId: row.borrower_external_id as string },
    event: row.event_external_id ? { externalId: row.event_external_id as string } : null,
    campaign: row.campaign_id ? { id: row.campaign_id as string, name: row.campaign_name as string } : null,
    invitationId: row.invitation_id as string,
    callbackTaskId: (row.task_id as string | null) ?? null,
    complaintId: (row.complaint_id as string | null) ?? null,
  };
}
