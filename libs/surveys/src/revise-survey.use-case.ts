import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  Clock,
  FieldError,
  isPlainText,
  NotFoundException,
  smsSegments,
  ValidationFailedException,
} from '@app/core';
import { DataSource, EntityManager } from 'typeorm';
import { SurveyCatalog } from './survey-catalog.service';
import { CHANNELS, Survey, surveyFromRow, SurveyRow } from './survey.model';

export type SurveyChanges = Partial<
  Pick<
    Survey,
    | 'title'
    | 'questions'
    | 'commentPrompt'
    | 'smsText'
    | 'triggerTouchpoints'
    | 'products'
    | 'channelOrder'
    | 'delaySeconds'
    | 'expirySeconds'
    | 'reminderDelaySeconds'
    | 'sampleRate'
    | 'lowScoreThreshold'
    | 'active'
    | 'priority'
  >
>;

const SCALES = {
  CSI: { min: 1, max: 5, count: 1 },
  NPS: { min: 0, max: 10, count: 1 },
  CLI: { min: 0, max: 10, count: 3 },
} as const;

const MAX_PROMPT = 300;
/** An invitation may run over into a second or third SMS, not more (each part is billed). */
export const MAX_SMS_SEGMENTS = 3;
const MAX_DELAY_SECONDS = 30 * 86_400;
const MAX_EXPIRY_SECONDS = 90 * 86_400;

/** The rules every version of a programme keeps, whatever an admin edits. */
export function validateSurvey(survey: Survey): FieldError[] {
  const errors: FieldError[] = [];
  const scale = SCALES[survey.kind];
  if (survey.questions.length !== scale.count)
    errors.push({ path: 'questions', message: `a ${survey.kind} survey has ${scale.count} question(s)` });
  survey.questions.forEach((q, i) => {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(q.id))
      errors.push({ path: `questions.${i}.id`, message: 'must be a lower-case identifier' });
    if (q.min !== scale.min || q.max !== scale.max)
      errors.push({
        path: `questions.${i}`,
        message: `${survey.kind} questions use the ${scale.min}–${scale.max} scale`,
      });
    for (const locale of ['ru', 'en'] as const) {
      const text = q.text?.[locale];
      if (typeof text !== 'string' || text.trim().length === 0 || text.length > 300) {
        errors.push({ path: `questions.${i}.text.${locale}`, message: 'must be 1 to 300 characters' });
      }
    }
  });
  for (const locale of ['ru', 'en'] as const) {
    const sms = survey.smsText?.[locale];
    if (survey.smsText && (typeof sms !== 'string' || sms.trim() === '' || !isPlainText(sms)))
      errors.push({
        path: `smsText.${locale}`,
        message: 'must be plain text, or both left empty for the default',
      });
    else if (sms && smsSegments(sms).segments > MAX_SMS_SEGMENTS)
      errors.push({ path: `smsText.${locale}`, message: `must fit in ${MAX_SMS_SEGMENTS} SMS` });
  }
  for (const locale of ['ru', 'en'] as const) {
    const prompt = survey.commentPrompt?.[locale];
    if (prompt !== undefined && prompt !== null && (typeof prompt !== 'string' || prompt.length > MAX_PROMPT))
      errors.push({ path: `commentPrompt.${locale}`, message: `must be at most ${MAX_PROMPT} characters` });
  }
  if (new Set(survey.questions.map((q) => q.id)).size !== survey.questions.length)
    errors.push({ path: 'questions', message: 'question ids must differ' });
  if (
    survey.channelOrder.length === 0 ||
    !survey.channelOrder.every((c) => CHANNELS.includes(c)) ||
    new Set(survey.channelOrder).size !== survey.channelOrder.length
  ) {
    errors.push({ path: 'channelOrder', message: 'must list distinct channels among sms, email, in_app' });
  }
  if (survey.channelOrder.includes('sms') && survey.questions.length !== 1) {
    errors.push({ path: 'channelOrder', message: 'only a one-question survey can be answered by SMS reply' });
  }
  if (!(survey.sampleRate >= 0 && survey.sampleRate <= 1))
    errors.push({ path: 'sampleRate', message: 'must be between 0 and 1' });
  if (!(survey.lowScoreThreshold >= scale.min && survey.lowScoreThreshold < scale.max)) {
    errors.push({
      path: 'lowScoreThreshold',
      message: `must be within the ${scale.min}–${scale.max} scale, below its top`,
    });
  }
  if (
    !Number.isInteger(survey.delaySeconds) ||
    survey.delaySeconds < 0 ||
    survey.delaySeconds > MAX_DELAY_SECONDS
  )
    errors.push({ path: 'delaySeconds', message: 'must be a whole number from 0 to 30 days' });
  if (
    !Number.isInteger(survey.expirySeconds) ||
    survey.expirySeconds < 3600 ||
    survey.expirySeconds > MAX_EXPIRY_SECONDS
  )
    errors.push({ path: 'expirySeconds', message: 'must be from an hour to 90 days' });
  if (
    survey.reminderDelaySeconds !== null &&
    !(survey.reminderDelaySeconds > 0 && survey.reminderDelaySeconds < survey.expirySeconds)
  ) {
    errors.push({ path: 'reminderDelaySeconds', message: 'must be positive and before expiry' });
  }
  for (const locale of ['ru', 'en'] as const) {
    const title = survey.title[locale];
    if (typeof title !== 'string' || title.trim().length === 0 || title.length > 200)
      errors.push({ path: `title.${locale}`, message: 'must be 1 to 200 characters' });
  }
  return errors;
}

/** Writes one version of a programme as the current one (the previous current version already cleared). */
export async function insertVersion(
  manager: EntityManager,
  survey: Survey,
  actor: Actor,
  now: Date,
): Promise<string> {
  const inserted: { id: string }[] = await manager.query(
    `INSERT INTO survey (key, version, is_current, kind, title, questions, comment_prompt, trigger_touchpoints, products, channel_order,
                         delay_seconds, expiry_seconds, reminder_delay_seconds, sample_rate, low_score_threshold, active, priority,
                         created_by, created_at, sms_text)
     VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
    [
      survey.key,
      survey.version,
      survey.kind,
      JSON.stringify(survey.title),
      JSON.stringify(survey.questions),
      survey.commentPrompt ? JSON.stringify(survey.commentPrompt) : null,
      survey.triggerTouchpoints,
      survey.products,
      survey.channelOrder,
      survey.delaySeconds,
      survey.expirySeconds,
      survey.reminderDelaySeconds,
      survey.sampleRate,
      survey.lowScoreThreshold,
      survey.active,
      survey.priority,
      actor.type === 'staff' ? actor.id : null,
      now,
      survey.smsText ? JSON.stringify(survey.smsText) : null,
    ],
  );
  return inserted[0]!.id;
}

/** What a programme may name: the contact policy's touchpoints, products as the lender spells them, a priority. */
export function targetingErrors(survey: Survey, touchpoints: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const unknown = survey.triggerTouchpoints.filter((t) => !touchpoints.includes(t));
  if (unknown.length > 0 || new Set(survey.triggerTouchpoints).size !== survey.triggerTouchpoints.length)
    errors.push({
      path: 'triggerTouchpoints',
      message: `must be distinct touchpoints among ${touchpoints.join(', ')}`,
    });
  if (
    survey.products !== null &&
    (survey.products.length === 0 ||
      survey.products.length > 20 ||
      survey.products.some((p) => !/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/.test(p)))
  )
    errors.push({
      path: 'products',
      message: 'must be up to 20 product codes (letters, digits, _ or -), or none for all',
    });
  if (!Number.isInteger(survey.priority) || survey.priority < 0 || survey.priority > 100)
    errors.push({ path: 'priority', message: 'must be a whole number from 0 to 100' });
  return errors;
}

/**
 * Edits a survey programme by creating its next version: invitations already created keep the
 * version they were made with (their survey_id), new events get the new one.
 */
@Injectable()
export class ReviseSurvey {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: SurveyCatalog,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, key: string, changes: SurveyChanges): Promise<Survey> {
    const revised = await this.db.transaction(async (manager) => {
      const rows: SurveyRow[] = await manager.query(
        `SELECT * FROM survey WHERE key = $1 AND is_current FOR UPDATE`,
        [key],
      );
      if (!rows[0]) throw new NotFoundException(`The survey "${key.slice(0, 100)}"`);
      const current = surveyFromRow(rows[0]);
      const next: Survey = {
        ...current,
        ...changes,
        id: current.id,
        key: current.key,
        kind: current.kind,
        version: current.version + 1,
      };
      const { policy } = await this.catalog.current();
      const errors = [...validateSurvey(next), ...targetingErrors(next, policy.touchpoints)];
      if (errors.length > 0) throw new ValidationFailedException(errors);
      await manager.query(`UPDATE survey SET is_current = false WHERE id = $1`, [current.id]);
      const id = await insertVersion(manager, next, actor, this.clock.now());
      const result = { ...next, id };
      await this.audit.record(
        actor,
        {
          action: 'survey.revised',
          entityType: 'survey',
          entityId: key,
          before: { version: current.version },
          after: { version: next.version, changes },
        },
        manager,
      );
      return result;
    });
    this.catalog.invalidate();
    return revised;
  }
}
