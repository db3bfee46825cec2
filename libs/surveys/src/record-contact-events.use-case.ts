import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isValidTimeZone, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { canonicalJson, Clock, DomainException, FieldError, ValidationFailedException } from '@app/core';
import {
  advisoryLockKey,
  lockedTransaction,
  queryRows,
  Rows,
  RetryTransaction,
  withRetries,
} from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import {
  borrowerDetailsUpdate,
  DEFAULT_TIME_ZONE,
  mergeBorrowers,
  readBorrowerStates,
} from './borrower-batch';
import { decide, Decision, SkipReason } from './contact-policy';
import { invitationTokenHash } from './invitation-token';
import { Channel, Locale } from './survey.model';
import { SurveyCatalog } from './survey-catalog.service';

/** The columns one statement writes per accepted event, invitation and changed borrower (see `Rows`). */
interface EventRow extends Record<string, unknown> {
  id: string;
  external_id: string;
  borrower_id: string;
  touchpoint: string;
  product: string | null;
  agent_ref: string | null;
  preferred_channel: string | null;
  occurred_at: Date;
  attributes: string;
  body_hash: Buffer;
  outcome: string;
}
const EVENT_COLUMNS = {
  id: 'uuid',
  external_id: 'text',
  borrower_id: 'uuid',
  touchpoint: 'text',
  product: 'text',
  agent_ref: 'text',
  preferred_channel: 'text',
  occurred_at: 'timestamptz',
  attributes: 'jsonb',
  body_hash: 'bytea',
  outcome: 'json',
} as const;

interface InvitationRow extends Record<string, unknown> {
  id: string;
  contact_event_id: string;
  survey_id: string;
  survey_version: number;
  borrower_id: string;
  channel: string;
  locale: string;
  token_hash: Buffer;
  send_at: Date;
  expires_at: Date;
}
const INVITATION_COLUMNS = {
  id: 'uuid',
  contact_event_id: 'uuid',
  survey_id: 'uuid',
  survey_version: 'int',
  borrower_id: 'uuid',
  channel: 'text',
  locale: 'text',
  token_hash: 'bytea',
  send_at: 'timestamptz',
  expires_at: 'timestamptz',
} as const;

export interface ContactEventInput {
  externalId: string;
  occurredAt: string;
  touchpoint: string;
  product?: string | null;
  agentRef?: string | null;
  preferredChannel?: Channel | null;
  attributes?: Record<string, string | number | boolean | null> | null;
  borrower: {
    externalId: string;
    name?: string | null;
    phone?: string | null;
    email?: string | null;
    locale?: Locale | null;
    timeZone?: string | null;
  };
}

export interface AcceptedEvent {
  eventId: string;
  invitation: {
    id: string;
    status: 'scheduled';
    channel: Channel;
    survey: string;
    sendAt: string;
    expiresAt: string;
  } | null;
  skipped?: SkipReason;
}

export type ContactEventResult =
  { outcome: 'created' | 'replayed'; body: AcceptedEvent } | { outcome: 'rejected'; error: DomainException };

/** How far ahead of our clock an event may claim to have happened (clock skew between systems). */
const FUTURE_SKEW_MS = 5 * 60_000;
const NOTIFY_HORIZON_MS = 60_000;
export const INVITATION_DUE_CHANNEL = 'resonance_invitation_due';

interface Fresh {
  index: number;
  input: ContactEventInput;
  hash: Buffer;
  occurredAt: Date;
}

/**
 * Records contact events from the lender's systems and schedules their surveys: one transaction for
 * a whole batch in five round trips (begin with the locks, two reads, one write, commit), set-based statements,
 * and idempotency by `externalId` held by the database (a transaction-scoped advisory lock per id
 * serialises concurrent duplicates, one per borrower the contact cap; the unique constraint is the
 * last word). The same body again replays the first answer; another body is a conflict.
 */
@Injectable()
export class RecordContactEvents {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async execute(inputs: ContactEventInput[]): Promise<ContactEventResult[]> {
    const { surveys, policy } = await this.catalog.current();
    const isWorkingDay = await this.calendar.lookup();
    const results: ContactEventResult[] = new Array(inputs.length);
    const firstByExternalId = new Map<string, Fresh>();
    const duplicates: Fresh[] = [];
    const now = this.clock.now();

    inputs.forEach((input, index) => {
      const errors = this.validate(input, policy.touchpoints, now);
      if (errors.length > 0) {
        results[index] = { outcome: 'rejected', error: new ValidationFailedException(errors) };
        return;
      }
      const fresh: Fresh = {
        index,
        input,
        hash: createHash('sha256').update(canonicalJson(input)).digest(),
        occurredAt: new Date(input.occurredAt),
      };
      if (firstByExternalId.has(input.externalId)) duplicates.push(fresh);
      else firstByExternalId.set(input.externalId, fresh);
    });

    const work = [...firstByExternalId.values()];
    if (work.length > 0) {
      // Locks on the events' ids (concurrent duplicates wait, then replay) and on their borrowers'
      // (the contact cap sees the invitations of a concurrent event for the same borrower).
      const keys = work.flatMap((w) => [
        advisoryLockKey('contact_event', w.input.externalId),
        advisoryLockKey('borrower', w.input.borrower.externalId),
      ]);
      const decided = await withRetries(() =>
        lockedTransaction(this.db, keys, (manager) =>
          this.record(manager, work, { surveys, policy, isWorkingDay, now }),
        ),
      );
      for (const [index, result] of decided) results[index] = result;
    }

    for (const duplicate of duplicates) {
      const first = firstByExternalId.get(duplicate.input.externalId)!;
      const firstResult = results[first.index]!;
      results[duplicate.index] =
        firstResult.outcome === 'rejected'
          ? firstResult
          : duplicate.hash.equals(first.hash)
            ? { outcome: 'replayed', body: firstResult.body }
            : { outcome: 'rejected', error: conflict(duplicate.input.externalId) };
    }
    return results;
  }

  private validate(input: ContactEventInput, touchpoints: string[], now: Date): FieldError[] {
    const errors: FieldError[] = [];
    if (!touchpoints.includes(input.touchpoint)) {
      errors.push({ path: 'touchpoint', message: `must be one of ${touchpoints.join(', ')}` });
    }
    const occurredAt = Date.parse(input.occurredAt);
    if (Number.isNaN(occurredAt) || occurredAt < Date.UTC(2000, 0, 1)) {
      errors.push({ path: 'occurredAt', message: 'must be a date after 2000-01-01' });
    } else if (occurredAt > now.getTime() + FUTURE_SKEW_MS) {
      errors.push({ path: 'occurredAt', message: 'must not be in the future' });
    }
    if (input.borrower.timeZone && !isValidTimeZone(input.borrower.timeZone)) {
      errors.push({ path: 'borrower.timeZone', message: 'must be an IANA time zone such as Europe/Moscow' });
    }
    return errors;
  }

  private async record(
    manager: EntityManager,
    work: Fresh[],
    context: {
      surveys: Awaited<ReturnType<SurveyCatalog['current']>>['surveys'];
      policy: Awaited<ReturnType<SurveyCatalog['current']>>['policy'];
      isWorkingDay: (d: string) => boolean;
      now: Date;
    },
  ): Promise<Map<number, ContactEventResult>> {
    const results = new Map<number, ContactEventResult>();
    const externalIds = work.map((w) => w.input.externalId);

    // After the locks: create the borrowers of events not seen before, and read the events seen before.
    const existing = await queryRows<{ external_id: string; body_hash: Buffer; outcome: AcceptedEvent }>(
      manager,
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           WITH ORDINALITY AS i(event_id, external_id, name, phone, email, locale, time_zone, ord)),
       created AS (
         INSERT INTO borrower (external_id, name, phone, email, locale, time_zone)
         SELECT DISTINCT ON (i.external_id) i.external_id, i.name, i.phone, i.email, coalesce(i.locale, $8), coalesce(i.time_zone, $9)
           FROM input i WHERE NOT EXISTS (SELECT 1 FROM contact_event c WHERE c.external_id = i.event_id)
          ORDER BY i.external_id, i.ord DESC
         ON CONFLICT (external_id) DO NOTHING)
       SELECT external_id, body_hash, outcome FROM contact_event WHERE external_id = ANY($1::text[])`,
      [
        externalIds,
        work.map((w) => w.input.borrower.externalId),
        work.map((w) => w.input.borrower.name ?? null),
        work.map((w) => w.input.borrower.phone ?? null),
        work.map((w) => w.input.borrower.email ?? null),
        work.map((w) => w.input.borrower.locale ?? null),
        work.map((w) => w.input.borrower.timeZone ?? null),
        this.config.defaultLocale,
        DEFAULT_TIME_ZONE,
      ],
    );
    const existingById = new Map(existing.map((e) => [e.external_id, e]));
    const fresh: Fresh[] = [];
    for (const w of work) {
      const found = existingById.get(w.input.externalId);
      if (!found) fresh.push(w);
      else if (found.body_hash.equals(w.hash))
        results.set(w.index, { outcome: 'replayed', body: found.outcome });
      else results.set(w.index, { outcome: 'rejected', error: conflict(w.input.externalId) });
    }
    if (fresh.length === 0) return results;

    // A statement of its own, so its snapshot includes the borrowers just created. No row locks: the
    // advisory lock per borrower already serialises their contact events (the cap check below).
    const capStart = new Date(context.now.getTime() - context.policy.capDays * 86_400_000);
    const borrowerInputs = fresh.map((w) => w.input.borrower);
    const merged = mergeBorrowers(
      borrowerInputs,
      await readBorrowerStates(manager, borrowerInputs, capStart),
    );
    if (!merged) throw new RetryTransaction();
    const { borrowers, changed } = merged;
    const invited = new Set([...borrowers.values()].filter((b) => b.recently_invited).map((b) => b.id));

    const events = new Rows<EventRow>(EVENT_COLUMNS);
    const invitations = new Rows<InvitationRow>(INVITATION_COLUMNS);
    let notify = false;
    for (const w of fresh) {
      const borrower = borrowers.get(w.input.borrower.externalId)!;
      const decision: Decision = decide(
        {
          externalId: w.input.externalId,
          touchpoint: w.input.touchpoint,
          product: w.input.product ?? null,
          occurredAt: w.occurredAt,
          preferredChannel: w.input.preferredChannel ?? null,
        },
        {
          phone: borrower.phone,
          email: borrower.email,
          timeZone: borrower.time_zone,
          smsOptedOut: borrower.sms_opted_out,
          emailOptedOut: borrower.email_opted_out,
          recentlyInvited: context.policy.capDays > 0 && invited.has(borrower.id),
        },
        context.surveys,
        context.policy,
        context.now,
        context.isWorkingDay,
      );
      const eventId = randomUUID();
      let body: AcceptedEvent;
      if (decision.invite) {
        const invitationId = randomUUID();
        invited.add(borrower.id);
        body = {
          eventId,
          invitation: {
            id: invitationId,
            status: 'scheduled',
            channel: decision.channel,
            survey: decision.survey.key,
            sendAt: decision.sendAt.toISOString(),
            expiresAt: decision.expiresAt.toISOString(),
          },
        };
        invitations.push({
          id: invitationId,
          contact_event_id: eventId,
          survey_id: decision.survey.id,
          survey_version: decision.survey.version,
          borrower_id: borrower.id,
          channel: decision.channel,
          locale: borrower.locale,
          token_hash: invitationTokenHash(this.config.appSecret, invitationId),
          send_at: decision.sendAt,
          expires_at: decision.expiresAt,
        });
        if (decision.sendAt.getTime() <= context.now.getTime() + NOTIFY_HORIZON_MS) notify = true;
      } else {
        body = { eventId, invitation: null, skipped: decision.reason };
      }
      const input = w.input;
      events.push({
        id: eventId,
        external_id: input.externalId,
        borrower_id: borrower.id,
        touchpoint: input.touchpoint,
        product: input.product ?? null,
        agent_ref: input.agentRef ?? null,
        preferred_channel: input.preferredChannel ?? null,
        occurred_at: w.occurredAt,
        attributes: JSON.stringify(input.attributes ?? {}),
        body_hash: w.hash,
        outcome: JSON.stringify(body),
      });
      results.set(w.index, { outcome: 'created', body });
    }

    // The events, their invitations, the borrowers' new details (when any changed) and the worker's
    // wake-up in one statement: the foreign keys are checked at its end, when the inserts are done.
    const params: unknown[] = [context.now, notify];
    const update = borrowerDetailsUpdate(changed, params);
    const [written] = await queryRows<{ events: number; invitations: number }>(
      manager,
      `WITH ${update}
       events AS (
         INSERT INTO contact_event (${events.columns}, received_at)
         SELECT e.*, $1::timestamptz FROM ${events.unnest(params, 'e')}
         ON CONFLICT (external_id) DO NOTHING RETURNING id),
       invitations AS (
         INSERT INTO invitation (${invitations.columns}, next_attempt_at, created_at)
         SELECT i.*, i.send_at, $1::timestamptz FROM ${invitations.unnest(params, 'i')}
          WHERE i.contact_event_id IN (SELECT id FROM events)
         RETURNING id)
       SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM invitations)::int AS invitations,
              CASE WHEN $2 THEN pg_notify('${INVITATION_DUE_CHANNEL}', '') END AS notified`,
      params,
    );
    if (written!.events !== fresh.length || written!.invitations !== invitations.length)
      throw new RetryTransaction();
    return results;
  }
}

function conflict(externalId: string): DomainException {
  return new DomainException(
    'idempotency_conflict',
    `An event with externalId "${externalId.slice(0, 200)}" was recorded with a different body.`,
  );
}
