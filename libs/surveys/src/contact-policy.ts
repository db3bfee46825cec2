import { createHash } from 'node:crypto';
import { nextAllowedSendTime, WorkingDayLookup } from '@app/calendar';
import { Channel, ContactPolicy, Survey } from './survey.model';

export type SkipReason =
  | 'no_survey_for_touchpoint'
  | 'contact_cap'
  | 'opted_out'
  | 'sampled_out'
  | 'no_reachable_channel'
  | 'stale_event';

export interface PolicyEvent {
  externalId: string;
  touchpoint: string;
  product: string | null;
  occurredAt: Date;
  preferredChannel: Channel | null;
}

export interface PolicyBorrower {
  phone: string | null;
  email: string | null;
  timeZone: string;
  smsOptedOut: boolean;
  emailOptedOut: boolean;
  /** An invitation within the contact cap window exists already. */
  recentlyInvited: boolean;
}

export type Decision =
  | { invite: true; survey: Survey; channel: Channel; sendAt: Date; expiresAt: Date }
  | { invite: false; reason: SkipReason };

/** A stable draw in [0, 1) per survey and event, so a retried event is sampled the same way. */
export function samplingDraw(surveyKey: string, eventExternalId: string): number {
  return (
    createHash('sha256').update(`${surveyKey}\u0000${eventExternalId}`).digest().readUInt32BE(0) / 2 ** 32
  );
}

/**
 * The channel to send on: the preferred one if the programme allows it, then the programme's order,
 * skipping channels the borrower opted out of or cannot be reached on (in-app only when asked for).
 */
export function chooseChannel(
  programmeOrder: readonly Channel[],
  borrower: Pick<PolicyBorrower, 'phone' | 'email' | 'smsOptedOut' | 'emailOptedOut'>,
  preferred: Channel | null,
): { channel: Channel } | { reason: 'opted_out' | 'no_reachable_channel' } {
  const order =
    preferred && programmeOrder.includes(preferred)
      ? [preferred, ...programmeOrder.filter((c) => c !== preferred)]
      : programmeOrder;
  let optedOut = false;
  for (const candidate of order) {
    if (candidate === 'sms' && borrower.phone) {
      if (!borrower.smsOptedOut) return { channel: candidate };
      optedOut = true;
    } else if (candidate === 'email' && borrower.email) {
      if (!borrower.emailOptedOut) return { channel: candidate };
      optedOut = true;
    } else if (candidate === 'in_app' && preferred === 'in_app') {
      return { channel: candidate };
    }
  }
  return { reason: optedOut ? 'opted_out' : 'no_reachable_channel' };
}

export function matchingSurveys(
  surveys: readonly Survey[],
  touchpoint: string,
  product: string | null,
): Survey[] {
  return surveys
    .filter(
      (s) =>
        s.active &&
        s.triggerTouchpoints.includes(touchpoint) &&
        (!s.products || (product !== null && s.products.includes(product))),
    )
    .sort((a, b) => b.priority - a.priority || a.key.localeCompare(b.key));
}

/**
 * The contact policy: which survey (highest priority whose sample admits the event), whether the
 * event is still fresh, which channel (the preferred one if the programme allows it, then the
 * programme's order, skipping opted-out and unreachable channels), the contact cap, and when to send
 * (after the programme's delay, never in the borrower's quiet hours).
 */
export function decide(
  event: PolicyEvent,
  borrower: PolicyBorrower,
  surveys: readonly Survey[],
  policy: ContactPolicy,
  now: Date,
  isWorkingDay: WorkingDayLookup,
): Decision {
  const candidates = matchingSurveys(surveys, event.touchpoint, event.product);
  if (candidates.length === 0) return { invite: false, reason: 'no_survey_for_touchpoint' };
  const survey = candidates.find((s) => samplingDraw(s.key, event.externalId) < s.sampleRate);
  if (!survey) return { invite: false, reason: 'sampled_out' };

  if (event.occurredAt.getTime() + survey.expirySeconds * 1000 <= now.getTime())
    return { invite: false, reason: 'stale_event' };

  const chosen = chooseChannel(survey.channelOrder, borrower, event.preferredChannel);
  if ('reason' in chosen) return { invite: false, reason: chosen.reason };
  const channel = chosen.channel;

  if (borrower.recentlyInvited) return { invite: false, reason: 'contact_cap' };

  const due = new Date(Math.max(now.getTime(), event.occurredAt.getTime() + survey.delaySeconds * 1000));
  const sendAt =
    channel === 'in_app' ? due : nextAllowedSendTime(due, borrower.timeZone, isWorkingDay, policy.quietHours);
  const expiresAt = new Date(sendAt.getTime() + survey.expirySeconds * 1000);
  return { invite: true, survey, channel, sendAt, expiresAt };
}
