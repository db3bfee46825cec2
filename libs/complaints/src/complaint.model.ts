import { COMMENT_CATEGORIES } from '@app/surveys';

export const RECEIVED_VIA = [
  'callback',
  'phone',
  'email',
  'sms',
  'web',
  'in_app',
  'letter',
  'office',
  'regulator',
] as const;
/** A complaint's category is one of the comment-tag categories (pre-filled from the tags). */
export const COMPLAINT_CATEGORIES = COMMENT_CATEGORIES;
export const CLASSIFICATIONS = ['justified', 'partly_justified', 'unjustified'] as const;
export const RESPONSE_TYPES = [
  'accept_with_redress',
  'redress_without_accepting',
  'reject_with_reasons',
  'explanation',
] as const;

/** The review checklist of the resonance group (design defaults). */
export const REVIEW_CRITERIA = [
  { id: 'breach_of_law', en: 'The company breached the law', ru: 'Компания нарушила закон' },
  { id: 'breach_of_contract', en: 'The company breached the contract', ru: 'Компания нарушила договор' },
  {
    id: 'breach_of_sro_standard',
    en: 'The company breached the SRO standard',
    ru: 'Компания нарушила стандарт СРО',
  },
  {
    id: 'breach_of_service_standard',
    en: 'An internal service standard was breached',
    ru: 'Нарушен внутренний стандарт обслуживания',
  },
  {
    id: 'incorrect_consultation',
    en: 'Incorrect or incomplete consultation',
    ru: 'Некорректная или неполная консультация',
  },
  { id: 'calculation_error', en: 'Calculation or payment error', ru: 'Ошибка в расчётах или платеже' },
  { id: 'technical_failure', en: 'Technical failure on our side', ru: 'Технический сбой с нашей стороны' },
  { id: 'improper_conduct', en: 'Rude or improper conduct', ru: 'Грубое или некорректное поведение' },
  {
    id: 'claim_confirmed',
    en: "The borrower's claim is confirmed by recordings or documents",
    ru: 'Претензия подтверждена записями или документами',
  },
] as const;

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
}
