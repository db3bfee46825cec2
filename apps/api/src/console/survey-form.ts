import type { Survey, SurveyChanges } from '@app/surveys';
import { field, fields } from './forms';

/** The survey form's fields as typed (or as stored, before any typing). */
export interface SurveyForm {
  titleRu: string;
  titleEn: string;
  questions: { id: string; min: number; max: number; ru: string; en: string }[];
  commentRu: string;
  commentEn: string;
  /** The SMS invitation's own text ('' in both: the default). */
  smsRu: string;
  smsEn: string;
  lowScoreThreshold: string;
  /** First, second and third channel ('' when none). */
  channels: [string, string, string];
  delayMinutes: string;
  expiryHours: string;
  reminderHours: string;
  samplePercent: string;
  active: boolean;
  /** The touchpoints that trigger it (none: relationship campaigns only). */
  touchpoints: string[];
  /** Product codes, comma-separated (empty: every product). */
  products: string;
  priority: string;
}

/** The form as the stored programme fills it. */
export function storedForm(survey: Survey): SurveyForm {
  const [first = '', second = '', third = ''] = survey.channelOrder;
  return {
    titleRu: survey.title.ru,
    titleEn: survey.title.en,
    questions: survey.questions.map((q) => ({
      id: q.id,
      min: q.min,
      max: q.max,
      ru: q.text.ru ?? '',
      en: q.text.en ?? '',
    })),
    commentRu: survey.commentPrompt?.ru ?? '',
    commentEn: survey.commentPrompt?.en ?? '',
    smsRu: survey.smsText?.ru ?? '',
    smsEn: survey.smsText?.en ?? '',
    lowScoreThreshold: String(survey.lowScoreThreshold),
    channels: [first, second, third],
    delayMinutes: String(Math.round(survey.delaySeconds / 60)),
    expiryHours: String(Math.round(survey.expirySeconds / 3600)),
    reminderHours:
      survey.reminderDelaySeconds === null ? '' : String(Math.round(survey.reminderDelaySeconds / 3600)),
    samplePercent: String(Math.round(survey.sampleRate * 1000) / 10),
    active: survey.active,
    touchpoints: survey.triggerTouchpoints,
    products: (survey.products ?? []).join(', '),
    priority: String(survey.priority),
  };
}

/** The form as typed; a field left out keeps the stored value (the questions are the programme's). */
export function typedForm(survey: Survey, form: Record<string, unknown>): SurveyForm {
  const stored = storedForm(survey);
  const text = (name: keyof SurveyForm) => field(form, name) ?? (stored[name] as string);
  // Three lists (first, second, third channel), or one comma-separated field from a script.
  const [first = '', second = '', third = ''] = fields(form, 'channels')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim());
  return {
    titleRu: text('titleRu'),
    titleEn: text('titleEn'),
    questions: stored.questions.map((q, i) => ({
      ...q,
      ru: field(form, `q${i}_ru`) ?? q.ru,
      en: field(form, `q${i}_en`) ?? q.en,
    })),
    commentRu: field(form, 'commentRu') ?? '',
    commentEn: field(form, 'commentEn') ?? '',
    smsRu: field(form, 'smsRu') ?? stored.smsRu,
    smsEn: field(form, 'smsEn') ?? stored.smsEn,
    lowScoreThreshold: text('lowScoreThreshold'),
    channels: [first, second, third],
    delayMinutes: text('delayMinutes'),
    expiryHours: text('expiryHours'),
    reminderHours: field(form, 'reminderHours') ?? '',
    samplePercent: text('samplePercent'),
    active: field(form, 'active') === 'on',
    // Unticking every box sends no value at all: the form's marker tells that from a script leaving it out.
    touchpoints: field(form, 'touchpointsShown') === '1' ? fields(form, 'touchpoints') : stored.touchpoints,
    products: field(form, 'products') ?? stored.products,
    priority: text('priority'),
  };
}

/** The typed form as changes to the programme; a figure that is not one becomes NaN, which the use case refuses. */
export function surveyChanges(survey: Survey, form: SurveyForm): SurveyChanges {
  const number = (value: string) =>
    value.trim() === '' ? Number.NaN : Number(value.trim().replace(',', '.'));
  const commentRu = form.commentRu.trim();
  const commentEn = form.commentEn.trim();
  return {
    title: { ru: form.titleRu.trim(), en: form.titleEn.trim() },
    questions: survey.questions.map((q, i) => ({
      ...q,
      text: { ru: form.questions[i]?.ru ?? '', en: form.questions[i]?.en ?? '' },
    })),
    commentPrompt: commentRu || commentEn ? { ru: commentRu, en: commentEn } : null,
    smsText: form.smsRu.trim() || form.smsEn.trim() ? { ru: form.smsRu.trim(), en: form.smsEn.trim() } : null,
    lowScoreThreshold: number(form.lowScoreThreshold),
    channelOrder: form.channels.filter(Boolean) as Survey['channelOrder'],
    delaySeconds: Math.round(number(form.delayMinutes) * 60),
    expirySeconds: Math.round(number(form.expiryHours) * 3600),
    reminderDelaySeconds: form.reminderHours.trim() ? Math.round(number(form.reminderHours) * 3600) : null,
    sampleRate: number(form.samplePercent) / 100,
    active: form.active,
    triggerTouchpoints: form.touchpoints,
    products: form.products.trim()
      ? form.products
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : null,
    priority: number(form.priority),
  };
}
