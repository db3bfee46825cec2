import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ContactPolicy, Survey, surveyFromRow, SurveyRow } from './survey.model';

const REFRESH_MS = 5_000;

interface PolicyRow {
  cap_days: number;
  touchpoints: string[];
  quiet_workday_start: string;
  quiet_workday_end: string;
  quiet_dayoff_start: string;
  quiet_dayoff_end: string;
  max_send_attempts: number;
}

const SURVEY_COLUMNS = `id, key, version, kind, title, questions, comment_prompt, sms_text, trigger_touchpoints, products, channel_order,
  delay_seconds, expiry_seconds, reminder_delay_seconds, sample_rate, low_score_threshold, active, priority`;

/**
 * The current survey programmes and the contact policy, read on every contact event and so held in
 * memory for a few seconds; an edit in this process takes effect at once, in others within 5 s.
 */
const VERSION_CACHE_MAX = 1_000;

@Injectable()
export class SurveyCatalog {
  private snapshot: { surveys: Survey[]; policy: ContactPolicy; at: number } | null = null;
  private loading: Promise<void> | null = null;
  private readonly versions = new Map<string, Survey>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async current(): Promise<{ surveys: Survey[]; policy: ContactPolicy }> {
    if (!this.snapshot || Date.now() - this.snapshot.at > REFRESH_MS) {
      await (this.loading ??= this.load().finally(() => (this.loading = null)));
    }
    return this.snapshot!;
  }

  invalidate(): void {
    this.snapshot = null;
  }

  /** The current version of every programme, active or paused (the admin's list). */
  async programmes(): Promise<Survey[]> {
    const rows: SurveyRow[] = await this.db.query(
      `SELECT ${SURVEY_COLUMNS} FROM survey WHERE is_current ORDER BY key`,
    );
    return rows.map(surveyFromRow);
  }

  /**
   * Any version, current or not: invitations keep the version they were created with. A version's
   * content never changes once written (an edit is a new version), so versions are cached for good.
   */
  async byId(id: string): Promise<Survey | null> {
    const cached = this.versions.get(id);
    if (cached) return cached;
    const rows: SurveyRow[] = await this.db.query(`SELECT ${SURVEY_COLUMNS} FROM survey WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    const survey = surveyFromRow(rows[0]);
    if (this.versions.size >= VERSION_CACHE_MAX) this.versions.clear();
    this.versions.set(id, survey);
    return survey;
  }

  private async load(): Promise<void> {
    const [rows, policies] = await Promise.all([
      this.db.query(`SELECT ${SURVEY_COLUMNS} FROM survey WHERE is_current AND active`) as Promise<
        SurveyRow[]
      >,
      this.db.query(
        `SELECT cap_days, touchpoints, to_char(quiet_workday_start, 'HH24:MI') AS quiet_workday_start,
                to_char(quiet_workday_end, 'HH24:MI') AS quiet_workday_end, to_char(quiet_dayoff_start, 'HH24:MI') AS quiet_dayoff_start,
                to_char(quiet_dayoff_end, 'HH24:MI') AS quiet_dayoff_end, max_send_attempts
           FROM contact_policy`,
      ) as Promise<PolicyRow[]>,
    ]);
    const p = policies[0];
    if (!p) throw new Error('contact_policy has no row: run the migrations');
    this.snapshot = {
      at: Date.now(),
      surveys: rows.map(surveyFromRow),
      policy: {
        capDays: p.cap_days,
        touchpoints: p.touchpoints,
        quietHours: {
          workday: { start: p.quiet_workday_start, end: p.quiet_workday_end },
          dayOff: { start: p.quiet_dayoff_start, end: p.quiet_dayoff_end },
        },
        maxSendAttempts: p.max_send_attempts,
      },
    };
  }
}
