import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  canonicalJson,
  Clock,
  DomainException,
  FieldError,
  isPlainText,
  isUuid,
  NotFoundException,
  ValidationFailedException,
} from '@app/core';
import { advisoryLockKey, lockedTransaction, RetryTransaction, withRetries } from '@app/database';
import { CampaignInvitations, Survey } from '@app/surveys';
import { DataSource, EntityManager } from 'typeorm';
import {
  CampaignInput,
  CampaignPreview,
  CampaignProgress,
  CsvCheck,
  CampaignState,
  MAX_SPREAD_DAYS,
  RECIPIENTS_PER_CALL,
  RecipientSkip,
  RecipientsOutcome,
} from './campaign.model';
import { CampaignRecords, CampaignRow, RecipientRow } from './campaign-records.repository';
import { CampaignCsvError, CsvLayout } from './campaign-csv';
import { CampaignFile, checkCampaignFile, layoutOf, recipientPages } from './campaign-file';
import { recipientErrors, RecipientInput } from './recipient';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_START_AHEAD_MS = 366 * 86_400_000;
/** The golden ratio's fraction: recipient k's place in the span is frac(k·φ), even for any count and any page size. */
const GOLDEN = 0.6180339887498949;

export type CampaignCallResult = { outcome: 'created' | 'replayed'; body: RecipientsOutcome };

class RolledBack extends Error {}

export interface CampaignDraftInput {
  name: string;
  survey: string;
  startAt?: string | null;
  spreadDays?: number | null;
  fileName: string;
  content: Buffer;
}

function bufferFile(content: Buffer): CampaignFile {
  return {
    sample: async () => content.subarray(0, 64 * 1024),
    open: () => Readable.from([content]),
  };
}

/**
 * Relationship campaigns: created idempotently by the integrator's `externalId` (the same body
 * replays the first answer, another is a conflict), recipients added in pages of up to 10,000 (a bad
 * recipient rejected alone, a borrower already in the campaign skipped as a duplicate), each page one
 * transaction holding the campaign's and its borrowers' locks; cancelled at any time.
 */
@Injectable()
export class RunCampaigns {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly records: CampaignRecords,
    private readonly invitations: CampaignInvitations,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CampaignInput): Promise<CampaignCallResult> {
    const now = this.clock.now();
    const errors = campaignErrors(input, now);
    const survey = errors.some((e) => e.path === 'survey')
      ? null
      : await this.invitations.programme(input.survey);
    if (!survey && !errors.some((e) => e.path === 'survey'))
      errors.push({ path: 'survey', message: 'must be the key of an active survey programme' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const hash = createHash('sha256').update(canonicalJson(input)).digest();
    const keys = [advisoryLockKey('campaign', input.externalId), ...borrowerKeys(input.recipients)];
    return withRetries(() =>
      lockedTransaction(this.db, keys, async (manager) => {
        const existing = await this.records.byExternalId(manager, input.externalId);
        if (existing) {
          if (existing.body_hash?.equals(hash)) return { outcome: 'replayed', body: existing.outcome! };
          throw new DomainException(
            'idempotency_conflict',
            `A campaign with externalId "${input.externalId}" was created with a different body.`,
          );
        }
        const campaign: CampaignRow = {
          preview: null,
          paused_at: null,
          id: randomUUID(),
          external_id: input.externalId,
          name: input.name.trim(),
          survey_key: survey!.key,
          status: 'scheduled',
          start_at: input.startAt ? new Date(input.startAt) : now,
          spread_days: input.spreadDays ?? 0,
          recipient_count: 0,
          body_hash: hash,
          outcome: null,
          created_at: now,
        };
        await this.records.insert(manager, { ...campaign, created_by: `${actor.type}:${actor.id}` });
        const body = await this.place(manager, campaign, survey!, input.recipients, now);
        await this.records.saveOutcome(manager, campaign.id, body);
        await this.audit.record(
          actor,
          {
            action: 'campaign.created',
            entityType: 'campaign',
            entityId: campaign.id,
            after: { name: campaign.name, survey: campaign.survey_key, spreadDays: campaign.spread_days },
            details: { recipients: body.recipients, accepted: body.accepted, skipped: body.skipped },
          },
          manager,
        );
        return { outcome: 'created', body };
      }),
    );
  }

  async addRecipients(actor: Actor, id: string, recipients: unknown): Promise<RecipientsOutcome> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    const errors = recipientsErrors(recipients, 1);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const list = recipients as unknown[];
    const keys = [advisoryLockKey('campaign:recipients', id), ...borrowerKeys(list)];
    return withRetries(() =>
      lockedTransaction(this.db, keys, async (manager) => {
        const campaign = await this.records.lockForChange(manager, id);
        if (!campaign) throw new NotFoundException('The campaign');
        if (campaign.status === 'cancelled')
          throw new DomainException(
            'conflict',
            'The campaign is cancelled: no recipients can be added to it.',
          );
        if (campaign.status === 'paused')
          throw new DomainException(
            'conflict',
            'The campaign is paused: resume it before adding recipients.',
          );
        if (campaign.status === 'draft')
          throw new DomainException('conflict', 'The campaign is a draft: start it from the console.');
        const survey = await this.invitations.programme(campaign.survey_key);
        if (!survey)
          throw new DomainException('conflict', 'The campaign’s survey programme is no longer active.');
        const now = this.clock.now();
        const body = await this.place(manager, campaign, survey, list, now);
        await this.audit.record(
          actor,
          {
            action: 'campaign.recipients_added',
            entityType: 'campaign',
            entityId: id,
            details: { recipients: body.recipients, accepted: body.accepted, skipped: body.skipped },
          },
          manager,
        );
        return body;
      }),
    );
  }

  /** Stops what is not yet sent; cancelling a cancelled campaign changes nothing. */
  async cancel(actor: Actor, id: string): Promise<CampaignProgress> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    await lockedTransaction(this.db, [], async (manager) => {
      const campaign = await this.records.lockForChange(manager, id);
      if (!campaign) throw new NotFoundException('The campaign');
      if (campaign.status === 'cancelled') return;
      const now = this.clock.now();
      await this.records.setStatus(manager, id, 'cancelled', now);
      await this.records.takeUpload(manager, id);
      const stopped = await this.invitations.cancelScheduled(manager, id, now);
      await this.audit.record(
        actor,
        { action: 'campaign.cancelled', entityType: 'campaign', entityId: id, details: { stopped } },
        manager,
      );
    });
    return this.progress(id);
  }

  /**
   * A console draft from an uploaded file: the file checked row by row, what its good rows would do
   * worked out by the real placement in a transaction rolled back, then the draft and its file kept
   * until an admin starts it. A file with no good row is refused.
   */
  async draft(actor: Actor, input: CampaignDraftInput): Promise<{ id: string; preview: CampaignPreview }> {
    const now = this.clock.now();
    const errors = campaignErrors({ ...input, externalId: 'console', recipients: [] }, now);
    const survey = errors.some((e) => e.path === 'survey')
      ? null
      : await this.invitations.programme(input.survey);
    if (!survey && !errors.some((e) => e.path === 'survey'))
      errors.push({ path: 'survey', message: 'must be the key of an active survey programme' });
    if (input.content.length === 0) errors.push({ path: 'file', message: 'must be a CSV file' });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const file = bufferFile(input.content);
    let check: CsvCheck;
    try {
      check = await checkCampaignFile(file, await layoutOf(file));
    } catch (error) {
      if (error instanceof CampaignCsvError)
        throw new ValidationFailedException([{ path: 'file', message: error.message }]);
      throw error;
    }
    if (check.good === 0)
      throw new ValidationFailedException([{ path: 'file', message: 'has no row that can be imported' }]);
    const campaign: CampaignRow = {
      id: randomUUID(),
      external_id: null,
      name: input.name.trim(),
      survey_key: survey!.key,
      status: 'draft',
      start_at: input.startAt ? new Date(input.startAt) : now,
      spread_days: input.spreadDays ?? 0,
      recipient_count: 0,
      body_hash: null,
      outcome: null,
      preview: null,
      paused_at: null,
      created_at: now,
    };
    const would = await this.dryRun(campaign, survey!, file, check, now);
    const preview: CampaignPreview = { ...check, fileName: input.fileName.slice(0, 200), ...would };
    await lockedTransaction(this.db, [], async (manager) => {
      await this.records.insert(manager, { ...campaign, preview, created_by: `${actor.type}:${actor.id}` });
      await this.records.saveUpload(manager, campaign.id, preview.fileName, input.content, now);
      await this.audit.record(
        actor,
        {
          action: 'campaign.drafted',
          entityType: 'campaign',
          entityId: campaign.id,
          after: { name: campaign.name, survey: campaign.survey_key, spreadDays: campaign.spread_days },
          details: {
            rows: check.rows,
            bad: check.bad,
            wouldInvite: would.wouldInvite,
            wouldSkip: would.wouldSkip,
          },
        },
        manager,
      );
    });
    return { id: campaign.id, preview };
  }

  /** Starts a draft: its file's good rows go in as pages, then the file is deleted. A second start is refused. */
  async start(actor: Actor, id: string): Promise<CampaignProgress> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    const content = await lockedTransaction(this.db, [], async (manager) => {
      const campaign = await this.records.lockForChange(manager, id);
      if (!campaign) throw new NotFoundException('The campaign');
      if (campaign.status !== 'draft')
        throw new DomainException('conflict', 'The campaign has started already, or was cancelled.');
      const upload = await this.records.readUpload(manager, id);
      await this.records.setStatus(manager, id, 'scheduled', this.clock.now());
      await this.audit.record(
        actor,
        { action: 'campaign.started', entityType: 'campaign', entityId: id },
        manager,
      );
      return upload;
    });
    if (content) await this.importUpload(actor, id, content);
    return this.progress(id);
  }

  /**
   * Finishes a start that was interrupted (the process stopped while the pages went in): the file is
   * kept until its last page, so the rest goes in now; rows already in are skipped as duplicates.
   */
  async continueImport(actor: Actor, id: string): Promise<CampaignProgress> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    const content = await lockedTransaction(this.db, [], async (manager) => {
      const campaign = await this.records.lockForChange(manager, id);
      if (!campaign) throw new NotFoundException('The campaign');
      const upload = campaign.status === 'draft' ? null : await this.records.readUpload(manager, id);
      if (!upload)
        throw new DomainException('conflict', 'Nothing of this campaign’s file is left to import.');
      return upload;
    });
    await this.importUpload(actor, id, content);
    return this.progress(id);
  }

  /** A started campaign's file in pages; the file is deleted once its last page is in. */
  private async importUpload(actor: Actor, id: string, content: Buffer): Promise<void> {
    const file = bufferFile(content);
    await this.addFile(actor, id, file, await layoutOf(file));
    await lockedTransaction(this.db, [], (manager) => this.records.takeUpload(manager, id));
  }

  /** Whether a started campaign still holds its file (its start was interrupted). */
  async importUnfinished(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const campaign = await this.records.get(id);
    if (!campaign || campaign.status === 'draft') return false;
    return this.records.hasUpload(id);
  }

  /** The good rows of a checked file added in pages; `onPage` hears how many rows have gone in. */
  async addFile(
    actor: Actor,
    id: string,
    file: CampaignFile,
    layout: CsvLayout,
    onPage: (rows: number) => void = () => undefined,
  ): Promise<{ rows: number; accepted: number; skipped: Partial<Record<RecipientSkip, number>> }> {
    const totals = { rows: 0, accepted: 0, skipped: {} as Partial<Record<RecipientSkip, number>> };
    for await (const page of recipientPages(file, layout)) {
      const outcome = await this.addRecipients(actor, id, page);
      totals.rows += page.length;
      totals.accepted += outcome.accepted;
      for (const [reason, n] of Object.entries(outcome.skipped) as [RecipientSkip, number][])
        totals.skipped[reason] = (totals.skipped[reason] ?? 0) + n;
      onPage(totals.rows);
    }
    return totals;
  }

  /** Holds what is not yet sent until the campaign is resumed. */
  async pause(actor: Actor, id: string): Promise<CampaignProgress> {
    await this.change(id, async (manager, campaign, now) => {
      if (campaign.status !== 'scheduled')
        throw new DomainException('conflict', 'Only a campaign that is sending can be paused.');
      await this.records.setStatus(manager, id, 'paused', now);
      const held = await this.invitations.holdScheduled(manager, id);
      await this.audit.record(
        actor,
        { action: 'campaign.paused', entityType: 'campaign', entityId: id, details: { held } },
        manager,
      );
    });
    return this.progress(id);
  }

  /** Sends what was held, each send moved on by the pause's length (and out of quiet hours). */
  async resume(actor: Actor, id: string): Promise<CampaignProgress> {
    await this.change(id, async (manager, campaign, now) => {
      if (campaign.status !== 'paused')
        throw new DomainException('conflict', 'Only a paused campaign can be resumed.');
      await this.records.setStatus(manager, id, 'scheduled', now);
      const released = await this.invitations.releaseHeld(
        manager,
        id,
        Math.max(0, now.getTime() - campaign.paused_at!.getTime()),
      );
      await this.audit.record(
        actor,
        { action: 'campaign.resumed', entityType: 'campaign', entityId: id, details: { released } },
        manager,
      );
    });
    return this.progress(id);
  }

  /** A console draft's check of its file (null for the API's campaigns). */
  async preview(id: string): Promise<CampaignPreview | null> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    const campaign = await this.records.get(id);
    if (!campaign) throw new NotFoundException('The campaign');
    return campaign.preview;
  }

  private async change(
    id: string,
    work: (manager: EntityManager, campaign: CampaignRow, now: Date) => Promise<void>,
  ): Promise<void> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    await lockedTransaction(this.db, [advisoryLockKey('campaign:recipients', id)], async (manager) => {
      const campaign = await this.records.lockForChange(manager, id);
      if (!campaign) throw new NotFoundException('The campaign');
      await work(manager, campaign, this.clock.now());
    });
  }

  /** The placement of every good row in a transaction that is rolled back: exactly what starting would do. */
  private async dryRun(
    campaign: CampaignRow,
    survey: Survey,
    file: CampaignFile,
    check: CsvCheck,
    now: Date,
  ): Promise<{ wouldInvite: number; wouldSkip: Partial<Record<RecipientSkip, number>> }> {
    const would = { wouldInvite: 0, wouldSkip: {} as Partial<Record<RecipientSkip, number>> };
    try {
      await lockedTransaction(this.db, [], async (manager) => {
        await this.records.insert(manager, { ...campaign, created_by: 'dry-run' });
        const row = { ...campaign };
        for await (const page of recipientPages(file, check)) {
          const outcome = await this.place(manager, row, survey, page, now);
          row.recipient_count += page.length;
          would.wouldInvite += outcome.accepted;
          for (const [reason, n] of Object.entries(outcome.skipped) as [RecipientSkip, number][])
            would.wouldSkip[reason] = (would.wouldSkip[reason] ?? 0) + n;
        }
        throw new RolledBack();
      });
    } catch (error) {
      if (!(error instanceof RolledBack)) throw error;
    }
    return would;
  }

  async progress(id: string): Promise<CampaignProgress> {
    if (!isUuid(id)) throw new NotFoundException('The campaign');
    const campaign = await this.records.get(id);
    if (!campaign) throw new NotFoundException('The campaign');
    return (await this.describe([campaign]))[0]!;
  }

  /** The newest campaigns with their funnels, for the console. */
  async recent(limit = 50): Promise<CampaignProgress[]> {
    return this.describe(await this.records.list(limit));
  }

  private async describe(campaigns: CampaignRow[]): Promise<CampaignProgress[]> {
    const ids = campaigns.map((c) => c.id);
    const [funnels, skips] = await Promise.all([this.invitations.funnels(ids), this.records.skipCounts(ids)]);
    const now = this.clock.now();
    return campaigns.map((c) => {
      const funnel = funnels.get(c.id)!;
      return {
        id: c.id,
        externalId: c.external_id,
        name: c.name,
        survey: c.survey_key,
        status: campaignState(c, funnel.scheduled, now),
        startAt: c.start_at.toISOString(),
        spreadDays: c.spread_days,
        recipients: c.recipient_count,
        ...funnel,
        skipped: skips.get(c.id)!,
        createdAt: c.created_at.toISOString(),
      };
    });
  }

  /** A page of recipients: checked, deduplicated, placed in the span, invited or skipped, recorded. */
  private async place(
    manager: EntityManager,
    campaign: CampaignRow,
    survey: Survey,
    recipients: unknown[],
    now: Date,
  ): Promise<RecipientsOutcome> {
    const rejected: RecipientsOutcome['rejected'] = [];
    const skipped: Partial<Record<RecipientSkip, number>> = {};
    const skip = (reason: RecipientSkip) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
    const valid: RecipientInput[] = [];
    recipients.forEach((plain, index) => {
      const errors = recipientErrors(plain);
      if (errors.length > 0) rejected.push({ index, errors });
      else valid.push(plain as RecipientInput);
    });
    const known = await this.records.knownRecipients(
      manager,
      campaign.id,
      valid.map((r) => r.borrower.externalId),
    );
    const fresh: RecipientInput[] = [];
    for (const r of valid) {
      if (known.has(r.borrower.externalId)) skip('duplicate');
      else {
        known.add(r.borrower.externalId);
        fresh.push(r);
      }
    }
    let accepted = 0;
    if (fresh.length > 0) {
      const ordinals = fresh.map((_, i) => campaign.recipient_count + i);
      const outcomes = await this.invitations.schedule(manager, {
        campaignId: campaign.id,
        survey,
        startAt: campaign.start_at,
        spreadDays: campaign.spread_days,
        now,
        sends: fresh.map((r, i) => ({
          borrower: { ...r.borrower, segment: r.segment ?? null },
          product: r.product ?? null,
          share: (ordinals[i]! * GOLDEN) % 1,
        })),
      });
      if (outcomes === 'retry') throw new RetryTransaction();
      const rows: RecipientRow[] = fresh.map((r, i) => {
        const outcome = outcomes[i]!;
        if ('invitationId' in outcome) accepted++;
        else skip(outcome.skipped);
        return {
          borrower_external_id: r.borrower.externalId,
          ordinal: ordinals[i]!,
          invitation_id: 'invitationId' in outcome ? outcome.invitationId : null,
          skip_reason: 'skipped' in outcome ? outcome.skipped : null,
        };
      });
      await this.records.addRecipients(manager, campaign.id, rows, now);
    }
    return {
      id: campaign.id,
      status: campaign.status,
      recipients: recipients.length,
      accepted,
      skipped,
      rejected,
    };
  }
}

function borrowerKeys(recipients: unknown[]): bigint[] {
  const keys: bigint[] = [];
  for (const r of recipients) {
    const id = (r as { borrower?: { externalId?: unknown } } | null)?.borrower?.externalId;
    if (typeof id === 'string') keys.push(advisoryLockKey('borrower', id));
  }
  return keys;
}

function campaignState(campaign: CampaignRow, stillScheduled: number, now: Date): CampaignState {
  if (campaign.status !== 'scheduled') return campaign.status;
  if (campaign.start_at.getTime() > now.getTime()) return 'scheduled';
  return stillScheduled > 0 ? 'sending' : 'finished';
}

function recipientsErrors(recipients: unknown, min: number): FieldError[] {
  if (!Array.isArray(recipients)) return [{ path: 'recipients', message: 'must be an array' }];
  if (recipients.length < min || recipients.length > RECIPIENTS_PER_CALL)
    return [
      {
        path: 'recipients',
        message: `must hold ${min} to ${RECIPIENTS_PER_CALL.toLocaleString('en')} recipients; add more with POST /api/v1/campaigns/{id}/recipients`,
      },
    ];
  return [];
}

function campaignErrors(input: CampaignInput, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  if (!isPlainText(input.externalId, 'identifier') || input.externalId.length > 200)
    errors.push({ path: 'externalId', message: 'must be 1 to 200 characters without surrounding spaces' });
  if (!isPlainText(input.name) || input.name.trim() === '' || input.name.length > 200)
    errors.push({ path: 'name', message: 'must be 1 to 200 characters of plain text' });
  if (!isPlainText(input.survey, 'identifier') || !/^[a-z][a-z0-9_]{0,59}$/.test(input.survey))
    errors.push({ path: 'survey', message: 'must be the key of an active survey programme' });
  if (input.startAt !== undefined && input.startAt !== null) {
    const at =
      typeof input.startAt === 'string' && ISO_WITH_OFFSET.test(input.startAt)
        ? Date.parse(input.startAt)
        : NaN;
    if (Number.isNaN(at))
      errors.push({
        path: 'startAt',
        message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-02T09:00:00+03:00',
      });
    else if (at > now.getTime() + MAX_START_AHEAD_MS)
      errors.push({ path: 'startAt', message: 'must be within a year from now' });
  }
  const spread = input.spreadDays;
  if (
    spread !== undefined &&
    spread !== null &&
    (typeof spread !== 'number' || !Number.isInteger(spread) || spread < 0 || spread > MAX_SPREAD_DAYS)
  )
    errors.push({ path: 'spreadDays', message: `must be a whole number from 0 to ${MAX_SPREAD_DAYS}` });
  errors.push(...recipientsErrors(input.recipients, 0));
  return errors;
}
