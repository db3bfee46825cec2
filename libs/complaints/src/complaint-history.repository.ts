import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { EntityManager } from 'typeorm';
import { isRegisteredLate } from './complaint-deadline';

/** A complaint of the past, in its state now (see ComplaintHistory). */
export interface HistoricComplaint {
  taskId: string | null;
  borrowerId: string;
  category: string;
  receivedVia: string;
  receivedAt: Date;
  registeredAt: Date;
  regulatorRef: string | null;
  substance: string;
  status: 'registered' | 'under_review' | 'resolved';
  registeredBy: string;
  dueAt: Date;
  criteria: string[];
  classification: string | null;
  rootCause: string | null;
  responseType: string | null;
  redress: string | null;
  resolution: string | null;
  correctiveAction: string | null;
  actionOwner: string | null;
  reviewerId: string | null;
  resolvedAt: Date | null;
  actionDueAt: Date | null;
  actionStatus: 'planned' | 'in_progress' | 'done' | 'dropped' | null;
  actionNote: string | null;
  actionClosedAt: Date | null;
}

/**
 * Past complaints written as they were (the demo's ninety days, a lender's register brought in):
 * numbered without gaps in registration order within each year of the lender's zone, flagged when
 * registered late, reviews with the criteria text in force, the year counters set to the last number.
 * Into an empty register only: numbers start at 1.
 */
@Injectable()
export class ComplaintHistory {
  constructor(private readonly calendar: WorkingCalendar) {}

  /** Returns the callback tasks whose complaint is resolved: their owner closes them. */
  async insert(
    manager: EntityManager,
    complaints: HistoricComplaint[],
    zone: string,
  ): Promise<{ taskId: string; resolvedAt: Date }[]> {
    const isWorkingDay = await this.calendar.lookup();
    const addDays = (from: Date, days: number) => addWorkingDays(from, days, zone, isWorkingDay);
    const localDate = (d: Date) => DateTime.fromJSDate(d, { zone }).toISODate()!;
    const judged = new Map(
      (
        (await manager.query(
          `SELECT DISTINCT ON (key) key, version, text_en AS en, text_ru AS ru FROM review_criterion ORDER BY key, version DESC`,
        )) as { key: string; version: number; en: string; ru: string }[]
      ).map((c) => [c.key, c]),
    );
    const ordered = [...complaints].sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime());
    const lastByYear = new Map<number, number>();
    const resolvedTasks: { taskId: string; resolvedAt: Date }[] = [];
    for (const c of ordered) {
      const year = DateTime.fromJSDate(c.registeredAt, { zone }).year;
      const seq = (lastByYear.get(year) ?? 0) + 1;
      lastByYear.set(year, seq);
      await manager.query(
        `INSERT INTO complaint (register_year, register_seq, task_id, borrower_id, received_via, category, substance, status, registered_at, registered_by,
                                due_at, criteria, classification, root_cause, response_type, redress, resolution, corrective_action, corrective_action_owner,
                                reviewer_id, resolved_at, created_at, updated_at, received_at, regulator_ref, registered_late, criteria_judged,
                                corrective_action_due_at, corrective_action_status, corrective_action_note, corrective_action_closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $9, $9, $22, $23, $24, $25,
                 $26, $27, $28, $29)`,
        [
          year,
          seq,
          c.taskId,
          c.borrowerId,
          c.receivedVia,
          c.category,
          c.substance,
          c.status,
          c.registeredAt,
          c.registeredBy,
          c.dueAt,
          c.criteria,
          c.classification,
          c.rootCause,
          c.responseType,
          c.redress,
          c.resolution,
          c.correctiveAction,
          c.actionOwner,
          c.reviewerId,
          c.resolvedAt,
          c.receivedAt,
          c.regulatorRef,
          isRegisteredLate(c.receivedAt, c.registeredAt, addDays, localDate),
          c.classification ? JSON.stringify(c.criteria.map((key) => judged.get(key)).filter(Boolean)) : null,
          c.actionDueAt,
          c.actionStatus,
          c.actionNote,
          c.actionClosedAt,
        ],
      );
      if (c.taskId && c.status === 'resolved' && c.resolvedAt)
        resolvedTasks.push({ taskId: c.taskId, resolvedAt: c.resolvedAt });
    }
    for (const [year, last] of lastByYear)
      await manager.query(`INSERT INTO complaint_counter (year, last_value) VALUES ($1, $2)`, [year, last]);
    return resolvedTasks;
  }
}
