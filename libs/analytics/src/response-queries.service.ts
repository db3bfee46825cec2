import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import {
  decodeCursor,
  encodeCursor,
  FieldError,
  isIsoDate,
  isPlainText,
  isUuid,
  ValidationFailedException,
} from '@app/core';
import { DataSource } from 'typeorm';
import { SURVEY_KINDS } from './metric-sums.service';

export interface ResponseFilters {
  from?: string;
  to?: string;
  survey?: string;
  kind?: string;
  touchpoint?: string;
  channel?: string;
  product?: string;
  segment?: string;
  operator?: string;
  tag?: string;
  category?: string;
  low?: string | boolean;
  hasComment?: string | boolean;
  campaign?: string;
  limit?: number;
  cursor?: string;
}

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
  /** Relationship campaigns arrive with the programme builder; until then every answer has none. */
  campaign: { id: string; name: string } | null;
  invitationId: string;
  callbackTaskId: string | null;
  /** The complaint registered from its callback, for the console's link. */
  complaintId: string | null;
}

const FREE_TEXT = [
  'survey',
  'touchpoint',
  'channel',
  'product',
  'segment',
  'operator',
  'tag',
  'category',
] as const;
const CATEGORY = `CASE WHEN cardinality(r.tags) = 0 THEN NULL
  ELSE coalesce((SELECT t FROM unnest(r.tags) t WHERE t <> 'other' LIMIT 1), 'other') END`;

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
    filters: ResponseFilters,
  ): Promise<{ items: ResponseItem[]; nextCursor: string | null }> {
    const limit = filters.limit ?? 50;
    const errors: FieldError[] = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      errors.push({ path: 'limit', message: 'must be from 1 to 200' });
    for (const key of ['from', 'to'] as const)
      if (filters[key] !== undefined && !isIsoDate(filters[key]))
        errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
    if (filters.from && filters.to && filters.from > filters.to)
      errors.push({ path: 'to', message: 'must not be before from' });
    if (filters.kind !== undefined && !(SURVEY_KINDS as readonly string[]).includes(filters.kind))
      errors.push({ path: 'kind', message: `must be one of ${SURVEY_KINDS.join(', ')}` });
    for (const key of FREE_TEXT) {
      const value = filters[key];
      if (value !== undefined && (!isPlainText(value, 'identifier') || value.length > 100))
        errors.push({ path: key, message: 'must be 1 to 100 characters' });
    }
    for (const key of ['low', 'hasComment'] as const) {
      const value = filters[key];
      if (value !== undefined && value !== true && value !== false && value !== 'true' && value !== 'false')
        errors.push({ path: key, message: 'must be true or false' });
    }
    if (filters.campaign !== undefined && !isUuid(filters.campaign))
      errors.push({ path: 'campaign', message: 'must be a UUID' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    // A cursor this API did not give out is refused by decodeCursor itself (400, path `cursor`).
    const after = decodeCursor(filters.cursor, ['timestamp', 'uuid']);

    // $1 limit + 1, $2 the lender's zone; then each filter in turn.
    const params: unknown[] = [limit + 1, this.config.lenderTimeZone];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
    if (filters.from)
      add((p) => `r.submitted_at >= (${p}::date::timestamp AT TIME ZONE $2::text)`, filters.from);
    if (filters.to)
      add((p) => `r.submitted_at < ((${p}::date + 1)::timestamp AT TIME ZONE $2::text)`, filters.to);
    if (filters.survey) add((p) => `s.key = ${p}`, filters.survey);
    if (filters.kind) add((p) => `s.kind = ${p}`, filters.kind);
    if (filters.touchpoint) add((p) => `r.touchpoint = ${p}`, filters.touchpoint);
    if (filters.channel) add((p) => `r.channel = ${p}`, filters.channel);
    if (filters.product) add((p) => `r.product = ${p}`, filters.product);
    if (filters.segment) add((p) => `b.segment = ${p}`, filters.segment);
    if (filters.operator) add((p) => `e.agent_ref = ${p}`, filters.operator);
    if (filters.tag) add((p) => `${p} = ANY(r.tags)`, filters.tag);
    if (filters.category) add((p) => `(${CATEGORY}) = ${p}`, filters.category);
    if (filters.low === true || filters.low === 'true') where.push('r.low');
    if (filters.low === false || filters.low === 'false') where.push('NOT r.low');
    if (filters.hasComment === true || filters.hasComment === 'true') where.push('r.comment IS NOT NULL');
    if (filters.hasComment === false || filters.hasComment === 'false') where.push('r.comment IS NULL');
    // No campaign has sent anything yet (campaigns come with the programme builder).
    if (filters.campaign) where.push('false');
    if (after)
      where.push(
        `(r.submitted_at, r.id) < ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`,
      );
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT r.id, r.submitted_at, r.submitted_at::text AS submitted_key, s.key AS survey, s.kind, r.score, r.answers,
              r.comment, r.tags, ${CATEGORY} AS category, r.touchpoint, r.channel, r.product, b.segment,
              e.agent_ref, b.external_id AS borrower_external_id, e.external_id AS event_external_id,
              r.invitation_id, t.id AS task_id, c.id AS complaint_id, $2::text AS zone
         FROM response r
         JOIN survey s ON s.id = r.survey_id
         JOIN borrower b ON b.id = r.borrower_id
         JOIN invitation i ON i.id = r.invitation_id
         LEFT JOIN contact_event e ON e.id = i.contact_event_id
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
      details: { filters: { ...filters, cursor: undefined, limit: undefined }, ids: items.map((r) => r.id) },
    });
    return {
      items,
      nextCursor: last ? encodeCursor([last.submitted_key as string, last.id as string]) : null,
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
    campaign: null,
    invitationId: row.invitation_id as string,
    callbackTaskId: (row.task_id as string | null) ?? null,
    complaintId: (row.complaint_id as string | null) ?? null,
  };
}
