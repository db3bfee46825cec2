import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { AppConfig } from '@app/config';
import { Clock, ValidationFailedException } from '@app/core';
import { DataSource, EntityManager } from 'typeorm';
import { CATEGORY_SQL } from './response-filters';

/** Responses may commit a little after their submitted_at: each refresh re-reads this far back. */
export const LATE_COMMIT_MARGIN_MS = 5 * 60_000;
/** An invitation's counts change until it expires (7 days at most) or is answered late. */
export const INVITATION_WINDOW_DAYS = 9;
const INVITATIONS_EVERY_MS = 5 * 60_000;
const REFRESH_LOCK = 4_216_771_377;

export interface RefreshOutcome {
  responseDays: [string, string] | null;
  invitationDays: [string, string] | null;
}

/**
 * Keeps the daily metric rollups current. Each run recomputes whole days from the raw rows (delete
 * and insert in one transaction), so it is idempotent and heals itself: the days since the last
 * run (minus a margin for late commits) for responses; the last nine days every five minutes for
 * invitations, whose delivery and answers arrive later. The first run, or a change of the lender's
 * time zone, rebuilds everything. One refresher at a time (advisory lock); the others skip.
 */
@Injectable()
export class RefreshMetricRollups {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<RefreshOutcome | null> {
    const zone = this.config.lenderTimeZone;
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        REFRESH_LOCK,
      ]);
      if (!locked) return null;
      const [state]: {
        responses_through: Date | null;
        invitations_refreshed_at: Date | null;
        time_zone: string | null;
      }[] = await manager.query(
        `SELECT responses_through, invitations_refreshed_at, time_zone FROM metric_rollup_state FOR UPDATE`,
      );
      const rebuild = !state || state.time_zone !== zone || state.responses_through === null;
      const today = this.day(now);

      let responseDays: [string, string] | null;
      if (rebuild) {
        await manager.query(`DELETE FROM metric_response_daily`);
        responseDays = await this.span(
          manager,
          `SELECT min(submitted_at) AS first, max(submitted_at) AS last FROM response`,
        );
      } else {
        responseDays = [
          this.day(new Date(state.responses_through!.getTime() - LATE_COMMIT_MARGIN_MS)),
          today,
        ];
      }
      if (responseDays) await this.recomputeResponses(manager, responseDays);

      let invitationDays: [string, string] | null = null;
      if (rebuild || !state.invitations_refreshed_at) {
        await manager.query(`DELETE FROM metric_invitation_daily`);
        invitationDays = await this.span(
          manager,
          `SELECT min(send_at) AS first, max(send_at) AS last FROM invitation`,
        );
      } else if (now.getTime() - state.invitations_refreshed_at.getTime() >= INVITATIONS_EVERY_MS) {
        invitationDays = [
          this.day(new Date(now.getTime() - INVITATION_WINDOW_DAYS * 86_400_000)),
          this.day(new Date(now.getTime() + 86_400_000)),
        ];
      }
      if (invitationDays) await this.recomputeInvitations(manager, invitationDays);

      await manager.query(
        `UPDATE metric_rollup_state SET responses_through = $1, time_zone = $2,
                invitations_refreshed_at = CASE WHEN $3::boolean THEN $1 ELSE invitations_refreshed_at END`,
        [now, zone, invitationDays !== null],
      );
      return { responseDays, invitationDays };
    });
  }

  /** Recomputes the rollups of the given days (inclusive) from the raw rows: after a correction or a restore. */
  async recompute(from: string, to: string): Promise<void> {
    const date = /^\d{4}-\d{2}-\d{2}$/;
    if (!date.test(from) || !date.test(to) || from > to)
      throw new ValidationFailedException([
        { path: 'from', message: 'must be a date YYYY-MM-DD not after to' },
      ]);
    await this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [REFRESH_LOCK]);
      await this.recomputeResponses(manager, [from, to]);
      await this.recomputeInvitations(manager, [from, to]);
    });
  }

  private day(instant: Date): string {
    return DateTime.fromJSDate(instant, { zone: this.config.lenderTimeZone }).toISODate()!;
  }

  private async span(manager: EntityManager, sql: string): Promise<[string, string] | null> {
    const [row]: { first: Date | null; last: Date | null }[] = await manager.query(sql);
    return row?.first && row.last ? [this.day(row.first), this.day(row.last)] : null;
  }

  private async recomputeResponses(manager: EntityManager, [from, to]: [string, string]): Promise<void> {
    const params = [from, to, this.config.lenderTimeZone];
    await manager.query(
      `DELETE FROM metric_response_daily WHERE day BETWEEN $1::date AND $2::date`,
      params.slice(0, 2),
    );
    await manager.query(
      `INSERT INTO metric_response_daily (day, survey_key, kind, touchpoint, channel, product, locale, category, responses, score_sum, top2, promoters, passives, detractors, low)
       SELECT (r.submitted_at AT TIME ZONE $3::text)::date, s.key, s.kind, r.touchpoint, r.channel, coalesce(r.product, ''), r.locale,
              coalesce(${CATEGORY_SQL}, ''),
              count(*), sum(r.score),
              count(*) FILTER (WHERE s.kind = 'CSI' AND r.score >= 4),
              count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 9),
              count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score >= 7 AND r.score < 9),
              count(*) FILTER (WHERE s.kind <> 'CSI' AND r.score < 7),
              count(*) FILTER (WHERE r.low)
         FROM response r JOIN survey s ON s.id = r.survey_id
        WHERE r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND r.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      params,
    );
  }

  private async recomputeInvitations(manager: EntityManager, [from, to]: [string, string]): Promise<void> {
    const params = [from, to, this.config.lenderTimeZone];
    await manager.query(
      `DELETE FROM metric_invitation_daily WHERE day BETWEEN $1::date AND $2::date`,
      params.slice(0, 2),
    );
    await manager.query(
      `INSERT INTO metric_invitation_daily (day, survey_key, touchpoint, channel, product, locale, scheduled, sent, delivered, opened, answered, failed, expired)
       SELECT (i.send_at AT TIME ZONE $3::text)::date, s.key, coalesce(e.touchpoint, 'campaign'), i.channel, coalesce(e.product, i.product, ''), i.locale,
              count(*), count(i.sent_at), count(i.delivered_at), count(i.opened_at),
              count(*) FILTER (WHERE i.status = 'answered'), count(*) FILTER (WHERE i.status = 'failed'),
              count(*) FILTER (WHERE i.status = 'expired')
         FROM invitation i JOIN survey s ON s.id = i.survey_id LEFT JOIN contact_event e ON e.id = i.contact_event_id
        WHERE i.send_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND i.send_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
        GROUP BY 1, 2, 3, 4, 5, 6`,
      params,
    );
  }
}
