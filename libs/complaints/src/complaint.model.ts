import { COMMENT_CATEGORIES } from '@app/surveys';

/** How a complaint reached the lender. `callback`: found on a callback after a low score. */
export const RECEIVED_VIA = [
  'callback',
  'letter',
  'email',
  'phone',
  'sms',
  'web',
  'in_app',
  'office',
  'regulator',
  'sro',
  'other',
] as const;
/** The channels of the intake API (the contract's list). */
export const INTAKE_CHANNELS = [
  'letter',
  'email',
  'phone',
  'web',
  'in_app',
  'regulator',
  'sro',
  'other',
] as const;
/** Forwarded complaints carry the forwarder's reference (the Bank of Russia's internet reception, the SRO). */
export const FORWARDED_CHANNELS: readonly string[] = ['regulator', 'sro'];
export const CORRECTIVE_ACTION_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type CorrectiveActionStatus = (typeof CORRECTIVE_ACTION_STATUSES)[number];
/** A complaint's category is one of the comment-tag categories (pre-filled from the tags). */
export const COMPLAINT_CATEGORIES = COMMENT_CATEGORIES;
export const CLASSIFICATIONS = ['justified', 'partly_justified', 'unjustified'] as const;
export const RESPONSE_TYPES = [
  'accept_with_redress',
  'redress_without_accepting',
  'reject_with_reasons',
  'explanation',
] as const;

/** A review criterion as judged by: the text of the version in force when the complaint was reviewed. */
export interface JudgedCriterion {
  key: string;
  version: number;
  en: string;
  ru: string;
}

export interface ComplaintRow {
  id: string;
  register_year: number;
  register_seq: number;
  register_no: string;
  task_id: string | null;
  borrower_id: string;
  received_via: string;
  category: string;
  substance: string;
  status: 'registered' | 'under_review' | 'resolved';
  registered_at: Date;
  registered_by: string | null;
  due_at: Date;
  extended_due_at: Date | null;
  extension_reason: string | null;
  extension_notified_at: Date | null;
  criteria: string[];
  classification: string | null;
  root_cause: string | null;
  response_type: string | null;
  redress: string | null;
  resolution: string | null;
  corrective_action: string | null;
  corrective_action_owner: string | null;
  reviewer_id: string | null;
  resolved_at: Date | null;
  version: number;
  external_id: string | null;
  request_hash: Buffer | null;
  intake_outcome: unknown;
  received_at: Date;
  regulator_ref: string | null;
  regulator_due_at: Date | null;
  product: string | null;
  touchpoint: string | null;
  contact_event_id: string | null;
  repeat_of_id: string | null;
  assignee_id: string | null;
  registered_late: boolean;
  reopened_at: Date | null;
  reopen_reason: string | null;
  reopen_count: number;
  criteria_judged: JudgedCriterion[] | null;
  corrective_action_due_at: Date | null;
  corrective_action_status: CorrectiveActionStatus | null;
  corrective_action_note: string | null;
  corrective_action_closed_at: Date | null;
}
