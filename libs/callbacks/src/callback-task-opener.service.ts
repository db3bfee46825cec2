import { Injectable } from '@nestjs/common';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { EntityManager } from 'typeorm';
import { callbackPriority } from './callback-priority';

export interface LowScore {
  responseId: string;
  borrowerId: string;
  score: number;
  scale: { min: number; max: number };
  threshold: number;
  tags: string[];
  submittedAt: Date;
}

/** First contact is due this many working days after the low score (design: 1). */
export const FIRST_CONTACT_WORKING_DAYS = 1;
const REPEAT_WINDOW_DAYS = 90;

/**
 * Opens the callback task of a low score, inside the caller's transaction (the one recording the
 * response), so a low response never exists without its task. One task per response (unique key).
 */
@Injectable()
export class CallbackTaskOpener {
  constructor(
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
  ) {}

  /** A comment edited while its task is still open re-tags the task (the queue filters by tag). */
  async retag(manager: EntityManager, responseId: string, tags: string[], now: Date): Promise<void> {
    await manager.query(
      `UPDATE callback_task SET tags = $2, updated_at = $3, version = version + 1 WHERE response_id = $1 AND status = 'open'`,
      [responseId, tags, now],
    );
  }

  async open(
    manager: EntityManager,
    low: LowScore,
  ): Promise<{ id: string; priority: number; firstContactDueAt: Date }> {
    const isWorkingDay = await this.calendar.lookup();
    const [{ earlier }] = await manager.query(
      `SELECT count(*)::int AS earlier FROM response
        WHERE borrower_id = $1 AND low AND id <> $2 AND submitted_at > $3::timestamptz - interval '${REPEAT_WINDOW_DAYS} days'`,
      [low.borrowerId, low.responseId, low.submittedAt],
    );
    const priority = callbackPriority({
      score: low.score,
      min: low.scale.min,
      max: low.scale.max,
      threshold: low.threshold,
      earlierLows: earlier,
    });
    const firstContactDueAt = addWorkingDays(
      low.submittedAt,
      FIRST_CONTACT_WORKING_DAYS,
      this.config.lenderTimeZone,
      isWorkingDay,
    );
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO callback_task (response_id, borrower_id, priority, tags, first_contact_due_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
      [low.responseId, low.borrowerId, priority, low.tags, firstContactDueAt, low.submittedAt],
    );
    return { id: rows[0]!.id, priority, firstContactDueAt };
  }
}
