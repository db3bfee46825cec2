import { DateTime } from 'luxon';
import {
  ATTEMPT_RESULTS,
  Casefile,
  MINUTES_BETWEEN_ATTEMPTS,
  TaskDetail,
  UNREACHABLE_AFTER_ATTEMPTS,
} from '@app/callbacks';
import { COMPLAINT_CATEGORIES, RECEIVED_VIA } from '@app/complaints';
import type { Survey } from '@app/surveys';

/** What the task page needs besides the task: who looks, when, and the lender's calendar and programmes. */
export interface TaskViewContext {
  reader: { id: string; role: string; locale: 'ru' | 'en' };
  now: Date;
  lenderTimeZone: string;
  isWorkingDay: (day: string) => boolean;
  /** Whether `now` is inside the borrower's quiet hours (a call at night). */
  quietForBorrower: boolean;
  surveys: Map<string, Survey>;
  staff: Map<string, string>;
  assignable: { id: string; name: string; role: string }[] | null;
}

/**
 * The task page's view: the answer under its question's words, the borrower's local time, whether
 * the reader may work the task, the progress to "unreachable" and when the next unsuccessful call
 * counts, and the typed values of a refused form (`draft`).
 */
export function taskView(
  task: TaskDetail,
  casefile: Casefile,
  context: TaskViewContext,
  draft: Record<string, string> = {},
) {
  const { reader, now, surveys } = context;
  const survey = surveys.get(task.response.survey);
  const borrowerTime = DateTime.fromJSDate(now, { zone: casefile.borrower.timeZone });
  const unsuccessfulDays = new Set(
    task.attemptsLog
      .filter((a) => a.result !== 'reached')
      .map((a) => DateTime.fromISO(a.attemptedAt, { zone: context.lenderTimeZone }).toISODate()!)
      .filter((day) => context.isWorkingDay(day)),
  ).size;
  const lastAttempt = Math.max(0, ...task.attemptsLog.map((a) => Date.parse(a.attemptedAt)));
  const nextUnsuccessful = lastAttempt + MINUTES_BETWEEN_ATTEMPTS * 60_000;
  const supervisor = reader.role !== 'agent';
  const mine = task.assigneeId === reader.id;
  return {
    task: { ...task, answersList: answerList(task.answers, survey, reader.locale) },
    surveyTitle: survey?.title ?? null,
    casefile: {
      ...casefile,
      previousResponses: casefile.previousResponses.map((r) => ({
        ...r,
        surveyTitle: surveys.get(r.survey)?.title ?? null,
      })),
    },
    assignee: task.assigneeId ? (context.staff.get(task.assigneeId) ?? '—') : null,
    working: task.status === 'in_progress' && (mine || supervisor),
    supervisor,
    canTake: task.status === 'open',
    assignable: context.assignable,
    attemptResults: ATTEMPT_RESULTS,
    unreachable: {
      days: unsuccessfulDays,
      needed: UNREACHABLE_AFTER_ATTEMPTS,
      ready: unsuccessfulDays >= UNREACHABLE_AFTER_ATTEMPTS,
    },
    nextUnsuccessfulAt: nextUnsuccessful > now.getTime() ? new Date(nextUnsuccessful).toISOString() : null,
    receivedVia: RECEIVED_VIA,
    categories: COMPLAINT_CATEGORIES,
    draft: {
      result: draft.result ?? '',
      note: draft.note ?? '',
      callBackAt: draft.callBackAt ?? '',
      category: draft.category ?? task.tags.find((t) => t !== 'other') ?? 'other',
      receivedVia: draft.receivedVia ?? 'callback',
      substance: draft.substance ?? '',
    },
    borrowerTime: borrowerTime.isValid
      ? {
          time: borrowerTime.toFormat('HH:mm'),
          zone: casefile.borrower.timeZone,
          quiet: context.quietForBorrower,
        }
      : null,
  };
}

/** Each answer under its question's text in the reader's language (the id when the programme lost it). */
function answerList(
  answers: unknown,
  survey: Survey | undefined,
  locale: 'ru' | 'en',
): { question: string; known: boolean; value: string }[] {
  if (!answers || typeof answers !== 'object') return [];
  return Object.entries(answers as Record<string, unknown>).map(([id, value]) => {
    const text = survey?.questions.find((q) => q.id === id)?.text[locale];
    return { question: text ?? id, known: text !== undefined, value: String(value) };
  });
}
