import { Injectable } from '@nestjs/common';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { EntityManager } from 'typeorm';
import { callbackPriority, REGULATOR_MENTION_BOOST } from './callback-priority';

export interface LowScore {
  responseId: string;
  borrowerId: string;
  score: number;
  scale: { min: number; max: number };
  threshold: number;
  tags: string[];
  /** The comment mentions the regulator, a court, the police or a lawyer. */
  mentionsRegulator: boolean;
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

  /**
   * A comment edited while its task is still open re-tags the task (the queue filters by tag); a first
   * mention of the regulator marks the task and lifts it to the top of the queue, open or taken.
   */
  async retag(
    manager: EntityManager,
    responseId: string,
    tags: string[],
    mentionsRegulator: boolean,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE callback_task SET tags = $2, updated_at = $3, version = version + 1 WHERE response_id = $1 AND status = 'open'`,
      [responseId, tags, now],
    );
    if (mentionsRegulator)
      await manager.query(
        `UPDATE callback_task SET regulator_mention_at = $2, priority = priority + $3, updated_at = $2, version = version + 1
          WHERE response_id = $1 AND status IN ('open', 'in_progress') AND regulator_mention_at IS NULL`,
        [responseId, now, REGULATOR_MENTION_BOOST],
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
      mentionsRegulator: low.mentionsRegulator,
    });
    const firstContactDueAt = addWorkingDays(
      low.submittedAt,
      FIRST_CONTACT_WORKING_DAYS,
      this.config.lenderTimeZone,
      isWorkingDay,
    );
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO callback_task (response_id, borrower_id, priority, tags, first_contact_due_at, created_at, updated_at, regulator_mention_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN $7::boolean THEN $6::timestamptz END) RETURNING id`,
      [
        low.responseId,
        low.borrowerId,
        priority,
        low.tags,
        firstContactDueAt,
        low.submittedAt,
        low.mentionsRegulator,
      ],
    );
    return { id: rows[0]!.id, priority, firstContactDueAt };
  }
}
