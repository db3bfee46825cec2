export type SurveyKind = 'CSI' | 'NPS' | 'CLI';

/** The touchpoint an answer to a relationship campaign is counted under (it followed no contact). */
export const CAMPAIGN_TOUCHPOINT = 'campaign';
export type Channel = 'sms' | 'email' | 'in_app';
export type Locale = 'ru' | 'en';
export const CHANNELS: readonly Channel[] = ['sms', 'email', 'in_app'];

export type LocalizedText = Record<Locale, string>;

export interface SurveyQuestion {
  id: string;
  text: LocalizedText;
  min: number;
  max: number;
  minLabel?: LocalizedText;
  maxLabel?: LocalizedText;
}

/** One version of a survey programme. Invitations keep the version they were created with. */
export interface Survey {
  id: string;
  key: string;
  version: number;
  kind: SurveyKind;
  /** The programme's name in the console, per language. */
  title: LocalizedText;
  questions: SurveyQuestion[];
  commentPrompt: LocalizedText | null;
  /** The SMS invitation's own text per language; null: the product's default for the kind. */
  smsText: LocalizedText | null;
  triggerTouchpoints: string[];
  products: string[] | null;
  channelOrder: Channel[];
  delaySeconds: number;
  expirySeconds: number;
  reminderDelaySeconds: number | null;
  sampleRate: number;
  lowScoreThreshold: number;
  active: boolean;
  priority: number;
}

export interface SurveyRow {
  id: string;
  key: string;
  version: number;
  kind: SurveyKind;
  title: LocalizedText;
  questions: SurveyQuestion[];
  comment_prompt: LocalizedText | null;
  sms_text: LocalizedText | null;
  trigger_touchpoints: string[];
  products: string[] | null;
  channel_order: Channel[];
  delay_seconds: number;
  expiry_seconds: number;
  reminder_delay_seconds: number | null;
  sample_rate: string;
  low_score_threshold: string;
  active: boolean;
  priority: number;
}

export function surveyFromRow(row: SurveyRow): Survey {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    kind: row.kind,
    title: row.title,
    questions: row.questions,
    commentPrompt: row.comment_prompt,
    smsText: row.sms_text ?? null,
    triggerTouchpoints: row.trigger_touchpoints,
    products: row.products,
    channelOrder: row.channel_order,
    delaySeconds: row.delay_seconds,
    expirySeconds: row.expiry_seconds,
    reminderDelaySeconds: row.reminder_delay_seconds,
    sampleRate: Number(row.sample_rate),
    lowScoreThreshold: Number(row.low_score_threshold),
    active: row.active,
    priority: row.priority,
  };
}

export interface ContactPolicy {
  capDays: number;
  touchpoints: string[];
  quietHours: { workday: { start: string; end: string }; dayOff: { start: string; end: string } };
  maxSendAttempts: number;
}
