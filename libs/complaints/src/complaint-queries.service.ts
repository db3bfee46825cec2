import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import {
  isIsoDate,
  isUuid,
  NotFoundException,
  ValidationFailedException,
  decodeCursor,
  encodeCursor,
} from '@app/core';
import { DataSource } from 'typeorm';
import { complaintSummary, ComplaintSummary } from './complaint-workflow.service';
import { CLASSIFICATIONS, ComplaintRow } from './complaint.model';

export interface ComplaintListItem extends ComplaintSummary {
  category: string;
  receivedVia: string;
  callbackTaskId: string | null;
}

export interface ComplaintDetail extends ComplaintListItem {
  substance: string;
  criteria: string[];
  rootCause: string | null;
  responseType: string | null;
  redress: string | null;
  resolution: string | null;
  correctiveAction: string | null;
  correctiveActionOwner: string | null;
  extensionReason: string | null;
  borrower: { externalId: string };
}

/** Reads of the complaint register. Every read is written to the audit log: who looked, at what. */
@Injectable()
export class ComplaintQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(
    actor: Actor,
    filters: {
      from?: string;
      to?: string;
      classification?: string;
      category?: string;
      status?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<{ items: ComplaintListItem[]; nextCursor: string | null }> {
    const limit = filters.limit ?? 50;
    const errors = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      errors.push({ path: 'limit', message: 'must be from 1 to 200' });
    for (const key of ['from', 'to'] as const) {
      const value = filters[key];
      if (value !== undefined && !isIsoDate(value))
        errors.push({ path: key, message: 'must be a date YYYY-MM-DD' });
    }
    if (filters.classification && !(CLASSIFICATIONS as readonly string[]).includes(filters.classification)) {
      errors.push({ path: 'classification', message: `must be one of ${CLASSIFICATIONS.join(', ')}` });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const after = decodeCursor(filters.cursor, ['timestamp', 'uuid']);
    // The zone is a typed parameter so a query without date filters (which never reads it) still plans.
    const params: unknown[] = [limit + 1, this.config.lenderTimeZone];
    const where: string[] = [];
    if (filters.from)
      where.push(`c.registered_at >= ($${params.push(filters.from)}::date::timestamp AT TIME ZONE $2::text)`);
    if (filters.to)
      where.push(
        `c.registered_at < (($${params.push(filters.to)}::date + 1)::timestamp AT TIME ZONE $2::text)`,
      );
    if (filters.classification) where.push(`c.classification = $${params.push(filters.classification)}`);
    if (filters.category) where.push(`c.category = $${params.push(filters.category)}`);
    if (filters.status) where.push(`c.status = $${params.push(filters.status)}`);
    if (after)
      where.push(
        `(c.registered_at, c.id) > ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`,
      );
    const rows: (ComplaintRow & { registered_key: string })[] = await this.db.query(
      `SELECT c.*, c.registered_at::text AS registered_key, $2::text AS zone FROM complaint c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.registered_at, c.id LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit);
    await this.audit.record(actor, {
      action: 'complaint.list_viewed',
      entityType: 'complaint',
      details: {
        filters: {
          from: filters.from ?? null,
          to: filters.to ?? null,
          classification: filters.classification ?? null,
        },
        ids: page.map((c) => c.id),
      },
    });
    const last = rows.length > limit ? page[page.length - 1]! : null;
    return {
      items: page.map((c) => ({
        ...complaintSummary(c),
        category: c.category,
        receivedVia: c.received_via,
        callbackTaskId: c.task_id,
      })),
      nextCursor: last ? encodeCursor([last.registered_key, last.id]) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<ComplaintDetail> {
    if (!isUuid(id)) throw new NotFoundException('The complaint');
    const rows: (ComplaintRow & { borrower_external_id: string })[] = await this.db.query(
      `SELECT c.*, b.external_id AS borrower_external_id FROM complaint c JOIN borrower b ON b.id = c.borrower_id WHERE c.id = $1`,
      [id],
    );
    const c = rows[0];
    if (!c) throw new NotFoundException('The complaint');
    await this.audit.record(actor, { action: 'complaint.viewed', entityType: 'complaint', entityId: c.id });
    return {
      ...complaintSummary(c),
      category: c.category,
      receivedVia: c.received_via,
      callbackTaskId: c.task_id,
      substance: c.substance,
      criteria: c.criteria,
      rootCause: c.root_cause,
      responseType: c.response_type,
      redress: c.redress,
      resolution: c.resolution,
      correctiveAction: c.corrective_action,
      correctiveActionOwner: c.corrective_action_owner,
      extensionReason: c.extension_reason,
      borrower: { externalId: c.borrower_external_id },
    };
  }
}
