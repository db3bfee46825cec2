import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import { WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import {
  Clock,
  isIsoDate,
  isUuid,
  NotFoundException,
  ValidationFailedException,
  decodeCursor,
  encodeCursor,
} from '@app/core';
import { DataSource } from 'typeorm';
import { complaintSummary, ComplaintSummary } from './complaint-workflow.service';
import { CLASSIFICATIONS, ComplaintRow, JudgedCriterion, RECEIVED_VIA } from './complaint.model';
import { deadlineSql, overdueCondition } from './complaint-deadline';
import { dueSoonUntil } from './complaint-schedule';

export interface ComplaintListItem extends ComplaintSummary {
  category: string;
  receivedVia: string;
  receivedAt: string;
  regulatorRef: string | null;
  registeredLate: boolean;
  overdue: boolean;
  assigneeId: string | null;
  callbackTaskId: string | null;
  borrower: { externalId: string; name: string | null };
}

export type WorkListView = 'mine' | 'unassigned' | 'due_soon' | 'overdue' | 'all';
export const WORK_LIST_VIEWS: readonly WorkListView[] = ['mine', 'unassigned', 'due_soon', 'overdue', 'all'];

export interface ComplaintFilters {
  from?: string;
  to?: string;
  classification?: string;
  category?: string;
  status?: string;
  channel?: string;
  overdue?: string | boolean;
  limit?: number;
  cursor?: string;
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
  regulatorDueAt: string | null;
  product: string | null;
  touchpoint: string | null;
  eventExternalId: string | null;
  repeatOf: { id: string; registerNo: string } | null;
  reopenedAt: string | null;
  reopenReason: string | null;
  reopenCount: number;
  criteriaJudged: JudgedCriterion[] | null;
  correctiveActionDueAt: string | null;
  correctiveActionStatus: string | null;
  correctiveActionNote: string | null;
  version: number;
}

type ListedRow = ComplaintRow & {
  borrower_external_id: string;
  borrower_name: string | null;
  is_overdue: boolean;
};

function listItem(c: ListedRow): ComplaintListItem {
  return {
    ...complaintSummary(c),
    category: c.category,
    receivedVia: c.received_via,
    receivedAt: c.received_at.toISOString(),
    regulatorRef: c.regulator_ref,
    registeredLate: c.registered_late,
    overdue: c.is_overdue,
    assigneeId: c.assignee_id,
    callbackTaskId: c.task_id,
    borrower: { externalId: c.borrower_external_id, name: c.borrower_name },
  };
}

const LISTED_COLUMNS = `c.*, b.external_id AS borrower_external_id, b.name AS borrower_name`;

/** Reads of the complaint register. Every read is written to the audit log: who looked, at what. */
@Injectable()
export class ComplaintQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
  ) {}

  async list(
    actor: Actor,
    filters: ComplaintFilters,
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
    if (filters.channel && !(RECEIVED_VIA as readonly string[]).includes(filters.channel))
      errors.push({ path: 'channel', message: `must be one of ${RECEIVED_VIA.join(', ')}` });
    const overdue = filters.overdue === true || filters.overdue === 'true';
    if (filters.overdue !== undefined && !overdue && filters.overdue !== false && filters.overdue !== 'false')
      errors.push({ path: 'overdue', message: 'must be true or false' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const after = decodeCursor(filters.cursor, ['timestamp', 'uuid']);
    // The zone is a typed parameter so a query without date filters (which never reads it) still plans.
    const params: unknown[] = [limit + 1, this.config.lenderTimeZone, this.clock.now()];
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
    if (filters.channel) where.push(`c.received_via = $${params.push(filters.channel)}`);
    if (overdue) where.push(overdueCondition('c', '$3'));
    if (after)
      where.push(
        `(c.registered_at, c.id) > ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`,
      );
    const rows: (ListedRow & { registered_key: string })[] = await this.db.query(
      `SELECT ${LISTED_COLUMNS}, c.registered_at::text AS registered_key, $2::text AS zone, ${overdueCondition('c', '$3::timestamptz')} AS is_overdue
         FROM complaint c JOIN borrower b ON b.id = c.borrower_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.registered_at, c.id LIMIT $1`,
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
          category: filters.category ?? null,
          status: filters.status ?? null,
          channel: filters.channel ?? null,
          overdue,
        },
        ids: page.map((c) => c.id),
      },
    });
    const last = rows.length > limit ? page[page.length - 1]! : null;
    return {
      items: page.map(listItem),
      nextCursor: last ? encodeCursor([last.registered_key, last.id]) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<ComplaintDetail> {
    if (!isUuid(id)) throw new NotFoundException('The complaint');
    const rows: (ListedRow & { event_external_id: string | null; repeat_of_no: string | null })[] =
      await this.db.query(
        `SELECT ${LISTED_COLUMNS}, ${overdueCondition('c', '$2')} AS is_overdue, e.external_id AS event_external_id,
                p.register_no AS repeat_of_no
           FROM complaint c JOIN borrower b ON b.id = c.borrower_id
           LEFT JOIN contact_event e ON e.id = c.contact_event_id
           LEFT JOIN complaint p ON p.id = c.repeat_of_id
          WHERE c.id = $1`,
        [id, this.clock.now()],
      );
    const c = rows[0];
    // An agent opens only the complaints they registered (the one their call found); to them any
    // other is not there at all.
    if (!c || (actor.type === 'staff' && actor.role === 'agent' && c.registered_by !== actor.id))
      throw new NotFoundException('The complaint');
    await this.audit.record(actor, { action: 'complaint.viewed', entityType: 'complaint', entityId: c.id });
    return {
      ...listItem(c),
      substance: c.substance,
      criteria: c.criteria,
      rootCause: c.root_cause,
      responseType: c.response_type,
      redress: c.redress,
      resolution: c.resolution,
      correctiveAction: c.corrective_action,
      correctiveActionOwner: c.corrective_action_owner,
      extensionReason: c.extension_reason,
      regulatorDueAt: c.regulator_due_at?.toISOString() ?? null,
      product: c.product,
      touchpoint: c.touchpoint,
      eventExternalId: c.event_external_id,
      repeatOf: c.repeat_of_id ? { id: c.repeat_of_id, registerNo: c.repeat_of_no! } : null,
      reopenedAt: c.reopened_at?.toISOString() ?? null,
      reopenReason: c.reopen_reason,
      reopenCount: c.reopen_count,
      criteriaJudged: c.criteria_judged,
      correctiveActionDueAt: c.corrective_action_due_at?.toISOString() ?? null,
      correctiveActionStatus: c.corrective_action_status,
      correctiveActionNote: c.corrective_action_note,
      version: c.version,
    };
  }

  /**
   * The expert's work list: open complaints by deadline (the nearest first). `mine` and `unassigned`
   * by assignee; `due_soon`: the deadline within two working days; `overdue`: past it. Audited like
   * every read of the register.
   */
  async workList(
    actor: Actor,
    view: string,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: ComplaintListItem[]; nextCursor: string | null }> {
    if (!(WORK_LIST_VIEWS as readonly string[]).includes(view))
      throw new ValidationFailedException([
        { path: 'view', message: `must be one of ${WORK_LIST_VIEWS.join(', ')}` },
      ]);
    const limit = page.limit ?? 50;
    const after = decodeCursor(page.cursor, ['timestamp', 'uuid']);
    const now = this.clock.now();
    const params: unknown[] = [limit + 1, now];
    const where = [`c.status <> 'resolved'`];
    if (view === 'mine')
      where.push(`c.assignee_id = $${params.push(actor.type === 'staff' ? actor.id : null)}::uuid`);
    if (view === 'unassigned') where.push(`c.assignee_id IS NULL`);
    if (view === 'overdue') where.push(`${deadlineSql('c')} < $2`);
    if (view === 'due_soon')
      where.push(
        `${deadlineSql('c')} >= $2 AND ${deadlineSql('c')} <= $${params.push(await this.dueSoonUntil(now))}`,
      );
    if (after)
      where.push(
        `(${deadlineSql('c')}, c.id) > ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`,
      );
    const rows: (ListedRow & { deadline_key: string })[] = await this.db.query(
      `SELECT ${LISTED_COLUMNS}, ${deadlineSql('c')}::text AS deadline_key, ${overdueCondition('c', '$2')} AS is_overdue
         FROM complaint c JOIN borrower b ON b.id = c.borrower_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${deadlineSql('c')}, c.id LIMIT $1`,
      params,
    );
    const items = rows.slice(0, limit);
    await this.audit.record(actor, {
      action: 'complaint.list_viewed',
      entityType: 'complaint',
      details: { view, ids: items.map((c) => c.id) },
    });
    const last = rows.length > limit ? items[items.length - 1]! : null;
    return {
      items: items.map(listItem),
      nextCursor: last ? encodeCursor([last.deadline_key, last.id]) : null,
    };
  }

  /**
   * Corrective actions still open (planned, in progress) across complaints, the nearest due first;
   * `overdue` keeps those past their date. Audited like every read of the register.
   */
  async openActions(
    actor: Actor,
    overdueOnly: boolean,
  ): Promise<
    {
      complaintId: string;
      registerNo: string;
      action: string;
      owner: string | null;
      dueAt: string | null;
      status: string;
      overdue: boolean;
      complaintStatus: string;
    }[]
  > {
    const rows: {
      id: string;
      register_no: string;
      corrective_action: string;
      corrective_action_owner: string | null;
      corrective_action_due_at: Date | null;
      corrective_action_status: string;
      overdue: boolean;
      status: string;
    }[] = await this.db.query(
      `SELECT id, register_no, corrective_action, corrective_action_owner, corrective_action_due_at, corrective_action_status, status,
              coalesce(corrective_action_due_at < $1, false) AS overdue
         FROM complaint
        WHERE corrective_action_status IN ('planned', 'in_progress') AND (NOT $2 OR corrective_action_due_at < $1)
        ORDER BY corrective_action_due_at NULLS LAST, register_year, register_seq LIMIT 500`,
      [this.clock.now(), overdueOnly],
    );
    await this.audit.record(actor, {
      action: 'complaint.list_viewed',
      entityType: 'complaint',
      details: { view: overdueOnly ? 'actions_overdue' : 'actions_open', ids: rows.map((r) => r.id) },
    });
    return rows.map((r) => ({
      complaintId: r.id,
      registerNo: r.register_no,
      action: r.corrective_action,
      owner: r.corrective_action_owner,
      dueAt: r.corrective_action_due_at?.toISOString() ?? null,
      status: r.corrective_action_status,
      overdue: r.overdue,
      complaintStatus: r.status,
    }));
  }

  /** Complaints of these borrowers, or the one with this register number: the console's search (audited). */
  async find(
    actor: Actor,
    criteria: { borrowerIds: string[]; registerNo: string | null },
  ): Promise<ComplaintListItem[]> {
    const [year, seq] = criteria.registerNo ? criteria.registerNo.split('-').map(Number) : [null, null];
    const rows: ListedRow[] = await this.db.query(
      `SELECT ${LISTED_COLUMNS}, ${overdueCondition('c', '$4')} AS is_overdue
         FROM complaint c JOIN borrower b ON b.id = c.borrower_id
        WHERE c.borrower_id = ANY($1::uuid[]) OR (c.register_year = $2 AND c.register_seq = $3)
        ORDER BY c.registered_at DESC LIMIT 100`,
      [criteria.borrowerIds, year, seq, this.clock.now()],
    );
    if (rows.length > 0)
      await this.audit.record(actor, {
        action: 'complaint.list_viewed',
        entityType: 'complaint',
        details: { view: 'search', ids: rows.map((c) => c.id) },
      });
    return rows.map(listItem);
  }

  /** Open complaints due within two working days and overdue: the navigation's badges. */
  async deadlineCounts(): Promise<{ dueSoon: number; overdue: number }> {
    const now = this.clock.now();
    const [row]: { due_soon: number; overdue: number }[] = await this.db.query(
      `SELECT count(*) FILTER (WHERE ${deadlineSql('')} >= $1)::int AS due_soon,
              count(*) FILTER (WHERE ${deadlineSql('')} < $1)::int AS overdue
         FROM complaint WHERE status <> 'resolved' AND ${deadlineSql('')} <= $2`,
      [now, await this.dueSoonUntil(now)],
    );
    return { dueSoon: row!.due_soon, overdue: row!.overdue };
  }

  /** The end of the lender's working day two working days from now. */
  private async dueSoonUntil(now: Date): Promise<Date> {
    const isWorkingDay = await this.calendar.lookup();
    return dueSoonUntil(now, this.config.lenderTimeZone, isWorkingDay);
  }
}
