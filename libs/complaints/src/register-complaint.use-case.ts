import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { Actor } from '@app/audit';
import { addWorkingDays, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import {
  canonicalJson,
  Clock,
  DomainException,
  FieldError,
  isIsoDate,
  isPlainText,
  ValidationFailedException,
} from '@app/core';
import { advisoryLockKey, lockedTransaction } from '@app/database';
import { BorrowerDirectory, SurveyCatalog } from '@app/surveys';
import { DataSource, EntityManager } from 'typeorm';
import { COMPLAINT_CATEGORIES, ComplaintRow, FORWARDED_CHANNELS, INTAKE_CHANNELS } from './complaint.model';
import { answerDueAt, intakeDueAt, isRegisteredLate } from './complaint-deadline';
import { ComplaintAttachments, Upload } from './complaint-attachments.service';
import { ComplaintRecords } from './complaint-records.repository';

export interface ComplaintIntakeInput {
  /** The lender's id of the complaint: the idempotency key (the API requires it; the console has none). */
  externalId?: string | null;
  receivedAt: string;
  channel: string;
  regulatorRef?: string | null;
  /** YYYY-MM-DD: the regulator's date for the answer. */
  regulatorDueAt?: string | null;
  borrower?: {
    externalId?: string | null;
    name?: string | null;
    phone?: string | null;
    email?: string | null;
  };
  product?: string | null;
  touchpoint?: string | null;
  category?: string | null;
  substance: string;
  contactEventExternalId?: string | null;
  /** The register number of an earlier complaint of the same borrower. */
  repeatOf?: string | null;
}

export interface RegisteredComplaint {
  id: string;
  registerNo: string;
  registeredAt: string;
  receivedAt: string;
  dueAt: string;
  status: 'registered';
}

export const MAX_SUBSTANCE = 10_000;
const EARLIEST_RECEIPT = Date.UTC(2000, 0, 1);
/** Clocks differ: a receipt a few minutes "in the future" is the sender's clock, not a future. */
const FUTURE_SKEW_MS = 5 * 60_000;
const REGISTER_NO = /^\d{4}-\d{6}$/;
/** Control characters other than tab and line breaks: a letter's text keeps its paragraphs, nothing else. */

function conflict(): DomainException {
  return new DomainException(
    'idempotency_conflict',
    'A complaint with this externalId was registered with a different body.',
  );
}

/**
 * A complaint from any channel (a letter, a call, the web form, the app, forwarded by the Bank of
 * Russia or the SRO) into the register of record: the borrower found or created, numbered with the
 * survey-born ones without gaps, due 15 working days after registration or by the regulator's date
 * when that is earlier, flagged when registered later than the working day after receipt. Idempotent
 * by `externalId`: the same body again answers what the first call answered; another body is refused.
 */
@Injectable()
export class RegisterComplaint {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly records: ComplaintRecords,
    private readonly borrowers: BorrowerDirectory,
    private readonly attachments: ComplaintAttachments,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** `attachments`: scanned letters registered with it (the console's form), stored in the same transaction. */
  async execute(
    actor: Actor,
    input: ComplaintIntakeInput,
    attachments: Upload[] = [],
  ): Promise<{ outcome: 'created' | 'replayed'; body: RegisteredComplaint; complaintId: string }> {
    const now = this.clock.now();
    const { policy } = await this.catalog.current();
    const errors = [...this.validate(input, policy.touchpoints, now), ...this.attachments.check(attachments)];
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const hash = createHash('sha256').update(canonicalJson(input)).digest();
    const isWorkingDay = await this.calendar.lookup();
    const zone = this.config.lenderTimeZone;
    const addDays = (from: Date, days: number) => addWorkingDays(from, days, zone, isWorkingDay);
    const borrowerKey = input.borrower?.externalId ?? input.borrower?.phone ?? input.borrower?.email ?? '';
    const keys = [advisoryLockKey('borrower', borrowerKey)];
    if (input.externalId) keys.push(advisoryLockKey('complaint', input.externalId));

    return lockedTransaction(this.db, keys, async (manager) => {
      if (input.externalId) {
        const [seen]: Pick<ComplaintRow, 'id' | 'request_hash' | 'intake_outcome'>[] = await manager.query(
          `SELECT id, request_hash, intake_outcome FROM complaint WHERE external_id = $1`,
          [input.externalId],
        );
        if (seen) {
          if (!seen.request_hash!.equals(hash)) throw conflict();
          return {
            outcome: 'replayed' as const,
            body: seen.intake_outcome as RegisteredComplaint,
            complaintId: seen.id,
          };
        }
      }
      const about = await this.resolveSubject(manager, input);
      const receivedAt = new Date(input.receivedAt);
      const regulatorDueAt = input.regulatorDueAt
        ? DateTime.fromISO(input.regulatorDueAt, { zone }).endOf('day').toJSDate()
        : null;
      const complaint = await this.records.register(manager, actor, {
        taskId: null,
        borrowerId: about.borrowerId,
        receivedVia: input.channel,
        receivedAt,
        category: input.category ?? 'other',
        substance: input.substance.trim(),
        registeredAt: now,
        registeredBy: actor.type === 'staff' ? actor.id : null,
        dueAt: intakeDueAt(answerDueAt(now, addDays), regulatorDueAt),
        registeredLate: isRegisteredLate(receivedAt, now, addDays, (d) =>
          DateTime.fromJSDate(d, { zone }).toISODate()!,
        ),
        externalId: input.externalId ?? null,
        requestHash: input.externalId ? hash : null,
        regulatorRef: input.regulatorRef?.trim() || null,
        regulatorDueAt,
        product: input.product ?? about.product,
        touchpoint: input.touchpoint ?? about.touchpoint,
        contactEventId: about.contactEventId,
        repeatOfId: about.repeatOfId,
      });
      const body: RegisteredComplaint = {
        id: complaint.id,
        registerNo: complaint.register_no,
        registeredAt: complaint.registered_at.toISOString(),
        receivedAt: complaint.received_at.toISOString(),
        dueAt: complaint.due_at.toISOString(),
        status: 'registered',
      };
      await manager.query(`UPDATE complaint SET intake_outcome = $2 WHERE id = $1`, [
        complaint.id,
        JSON.stringify(body),
      ]);
      if (attachments.length > 0) await this.attachments.add(manager, actor, complaint.id, attachments);
      return { outcome: 'created' as const, body, complaintId: complaint.id };
    });
  }

  private validate(input: ComplaintIntakeInput, touchpoints: string[], now: Date): FieldError[] {
    const errors: FieldError[] = [];
    const optionalText = (path: string, value: unknown, max: number) => {
      if (value === undefined || value === null) return;
      if (typeof value !== 'string' || value.length > max || !isPlainText(value))
        errors.push({ path, message: `must be text of at most ${max} characters` });
    };
    if (!(INTAKE_CHANNELS as readonly string[]).includes(input.channel))
      errors.push({ path: 'channel', message: `must be one of ${INTAKE_CHANNELS.join(', ')}` });
    const forwarded = FORWARDED_CHANNELS.includes(input.channel);
    if (forwarded && (typeof input.regulatorRef !== 'string' || input.regulatorRef.trim() === ''))
      errors.push({
        path: 'regulatorRef',
        message: `is required for a complaint received via ${input.channel}`,
      });
    optionalText('regulatorRef', input.regulatorRef, 100);
    const received = typeof input.receivedAt === 'string' ? Date.parse(input.receivedAt) : Number.NaN;
    if (Number.isNaN(received) || received < EARLIEST_RECEIPT)
      errors.push({ path: 'receivedAt', message: 'must be a date-time after 2000-01-01' });
    else if (received > now.getTime() + FUTURE_SKEW_MS)
      errors.push({ path: 'receivedAt', message: 'must not be in the future' });
    if (input.regulatorDueAt !== undefined && input.regulatorDueAt !== null) {
      if (!isIsoDate(input.regulatorDueAt))
        errors.push({ path: 'regulatorDueAt', message: 'must be a date YYYY-MM-DD' });
      else if (
        !Number.isNaN(received) &&
        input.regulatorDueAt < new Date(received).toISOString().slice(0, 10)
      )
        errors.push({ path: 'regulatorDueAt', message: 'must not be before the complaint was received' });
    }
    const substance = typeof input.substance === 'string' ? input.substance.trim() : '';
    if (substance.length === 0 || substance.length > MAX_SUBSTANCE || !isPlainText(substance, 'multiline'))
      errors.push({ path: 'substance', message: `must be text of 1 to ${MAX_SUBSTANCE} characters` });
    if (input.category && !(COMPLAINT_CATEGORIES as readonly string[]).includes(input.category))
      errors.push({ path: 'category', message: `must be one of ${COMPLAINT_CATEGORIES.join(', ')}` });
    if (input.touchpoint && !touchpoints.includes(input.touchpoint))
      errors.push({ path: 'touchpoint', message: `must be one of ${touchpoints.join(', ')}` });
    optionalText('product', input.product, 50);
    const b = input.borrower;
    if (!b?.externalId && !b?.phone && !b?.email && !input.contactEventExternalId)
      errors.push({
        path: 'borrower',
        message: 'needs an externalId, a phone or an email (or give contactEventExternalId)',
      });
    if (input.repeatOf && !REGISTER_NO.test(input.repeatOf))
      errors.push({ path: 'repeatOf', message: 'must be a register number such as 2026-000123' });
    return errors;
  }

  /** The borrower, the contact event and the earlier complaint this one is about. */
  private async resolveSubject(
    manager: EntityManager,
    input: ComplaintIntakeInput,
  ): Promise<{
    borrowerId: string;
    contactEventId: string | null;
    touchpoint: string | null;
    product: string | null;
    repeatOfId: string | null;
  }> {
    const errors: FieldError[] = [];
    const event = input.contactEventExternalId
      ? await this.borrowers.contactEvent(
          manager,
          input.contactEventExternalId,
          errors,
          'contactEventExternalId',
        )
      : null;
    const b = input.borrower;
    const borrowerId =
      b?.externalId || b?.phone || b?.email
        ? (await this.borrowers.findOrCreate(manager, b)).id
        : (event?.borrowerId ?? null);
    if (event && borrowerId && event.borrowerId !== borrowerId)
      errors.push({ path: 'contactEventExternalId', message: 'is a contact with another borrower' });
    let repeatOfId: string | null = null;
    if (input.repeatOf && borrowerId) {
      const [earlier]: { id: string; borrower_id: string }[] = await manager.query(
        `SELECT id, borrower_id FROM complaint WHERE register_year = $1 AND register_seq = $2`,
        input.repeatOf.split('-').map(Number),
      );
      if (!earlier || earlier.borrower_id !== borrowerId)
        errors.push({ path: 'repeatOf', message: 'is not an earlier complaint of this borrower' });
      else repeatOfId = earlier.id;
    }
    if (errors.length > 0 || !borrowerId) throw new ValidationFailedException(errors);
    return {
      borrowerId,
      contactEventId: event?.id ?? null,
      touchpoint: event?.touchpoint ?? null,
      product: event?.product ?? null,
      repeatOfId,
    };
  }
}
