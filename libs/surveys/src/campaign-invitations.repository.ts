import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextAllowedSendTime, pointInWindows, sendingWindows, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { queryRows, Rows } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import {
  BorrowerInput,
  borrowerDetailsUpdate,
  DEFAULT_TIME_ZONE,
  mergeBorrowers,
  readBorrowerStates,
} from './borrower-batch';
import { chooseChannel } from './contact-policy';
import { INVITATION_DUE_CHANNEL } from './record-contact-events.use-case';
import { invitationTokenHash } from './invitation-token';
import { Survey } from './survey.model';
import { SurveyCatalog } from './survey-catalog.service';

/** A campaign's recipient as the surveys see it: the borrower, the product surveyed, its place in the spread. */
export interface CampaignSend {
  borrower: BorrowerInput;
  product: string | null;
  /** Where in the campaign's span this send falls, in [0, 1). */
  share: number;
}

export type CampaignSkip = 'contact_cap' | 'opted_out' | 'no_reachable_channel';

export interface CampaignSchedule {
  campaignId: string;
  survey: Survey;
  startAt: Date;
  spreadDays: number;
  now: Date;
  sends: CampaignSend[];
}

export interface CampaignFunnel {
  scheduled: number;
  sent: number;
  delivered: number;
  opened: number;
  answered: number;
}

const INVITATION_COLUMNS = {
  id: 'uuid',
  campaign_id: 'uuid',
  survey_id: 'uuid',
  survey_version: 'int',
  borrower_id: 'uuid',
  channel: 'text',
  locale: 'text',
  product: 'text',
  token_hash: 'bytea',
  send_at: 'timestamptz',
  expires_at: 'timestamptz',
} as const;

/**
 * The invitations of relationship campaigns: borrowers created or updated, the contact policy applied
 * (opt-outs by address, reachable channel, contact cap), each send placed in the campaign's span
 * within the borrower's sending hours, and the invitations written; two reads and one write, in the
 * caller's transaction (which holds the campaign's lock).
 */
@Injectable()
export class CampaignInvitations {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
  ) {}

  /** The current version of a programme a campaign may send (any active programme), or null. */
  async programme(key: string): Promise<Survey | null> {
    const { surveys } = await this.catalog.current();
    return surveys.find((s) => s.key === key) ?? null;
  }

  async schedule(
    manager: EntityManager,
    plan: CampaignSchedule,
  ): Promise<({ invitationId: string } | { skipped: CampaignSkip })[] | 'retry'> {
    const { policy } = await this.catalog.current();
    const isWorkingDay = await this.calendar.lookup();
    const inputs = plan.sends.map((s) => s.borrower);
    await manager.query(
      `INSERT INTO borrower (external_id, name, phone, email, locale, time_zone, segment)
       SELECT DISTINCT ON (external_id) external_id, name, phone, email, coalesce(locale, $7), coalesce(time_zone, $8), segment
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $9::text[])
              WITH ORDINALITY AS i(external_id, name, phone, email, locale, time_zone, segment, ord)
        ORDER BY external_id, ord DESC
       ON CONFLICT (external_id) DO NOTHING`,
      [
        inputs.map((b) => b.externalId),
        inputs.map((b) => b.name ?? null),
        inputs.map((b) => b.phone ?? null),
        inputs.map((b) => b.email ?? null),
        inputs.map((b) => b.locale ?? null),
        inputs.map((b) => b.timeZone ?? null),
        this.config.defaultLocale,
        DEFAULT_TIME_ZONE,
        inputs.map((b) => b.segment ?? null),
      ],
    );
    const capStart = new Date(plan.now.getTime() - policy.capDays * 86_400_000);
    const merged = mergeBorrowers(inputs, await readBorrowerStates(manager, inputs, capStart));
    if (!merged) return 'retry';
    const { borrowers, changed } = merged;

    const begin = new Date(Math.max(plan.now.getTime(), plan.startAt.getTime()));
    const end = new Date(begin.getTime() + plan.spreadDays * 86_400_000);
    const windowsByZone = new Map<string, ReturnType<typeof sendingWindows>>();
    const sendAt = (timeZone: string, share: number): Date => {
      const first = nextAllowedSendTime(begin, timeZone, isWorkingDay, policy.quietHours);
      if (plan.spreadDays === 0) return first;
      let windows = windowsByZone.get(timeZone);
      if (!windows) {
        windows = sendingWindows(begin, end, timeZone, isWorkingDay, policy.quietHours);
        windowsByZone.set(timeZone, windows);
      }
      return pointInWindows(windows, share) ?? first;
    };

    const invitations = new Rows<Record<keyof typeof INVITATION_COLUMNS, unknown>>(INVITATION_COLUMNS);
    const invited = new Set<string>();
    const outcomes = plan.sends.map((send) => {
      const borrower = borrowers.get(send.borrower.externalId)!;
      const chosen = chooseChannel(
        plan.survey.channelOrder,
        {
          phone: borrower.phone,
          email: borrower.email,
          smsOptedOut: borrower.sms_opted_out,
          emailOptedOut: borrower.email_opted_out,
        },
        null,
      );
      if ('reason' in chosen) return { skipped: chosen.reason };
      if ((policy.capDays > 0 && borrower.recently_invited) || invited.has(borrower.id))
        return { skipped: 'contact_cap' as const };
      invited.add(borrower.id);
      const id = randomUUID();
      const at = sendAt(borrower.time_zone, send.share);
      invitations.push({
        id,
        campaign_id: plan.campaignId,
        survey_id: plan.survey.id,
        survey_version: plan.survey.version,
        borrower_id: borrower.id,
        channel: chosen.channel,
        locale: borrower.locale,
        product: send.product,
        token_hash: invitationTokenHash(this.config.appSecret, id),
        send_at: at,
        expires_at: new Date(at.getTime() + plan.survey.expirySeconds * 1000),
      });
      return { invitationId: id };
    });

    const params: unknown[] = [plan.now];
    const update = borrowerDetailsUpdate(changed, params);
    const soon = invitations.length > 0 && begin.getTime() <= plan.now.getTime() + 60_000;
    await manager.query(
      `WITH ${update}
       written AS (
         INSERT INTO invitation (${invitations.columns}, next_attempt_at, created_at)
         SELECT i.*, i.send_at, $1::timestamptz FROM ${invitations.unnest(params, 'i')} RETURNING 1)
       SELECT (SELECT count(*) FROM written)::int AS invitations
              ${soon ? `, pg_notify('${INVITATION_DUE_CHANNEL}', '')` : ''}`,
      params,
    );
    return outcomes;
  }

  /** Stops what a campaign has not sent yet; what was sent stays open for answers. */
  async cancelScheduled(manager: EntityManager, campaignId: string, now: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE invitation SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'campaign_cancelled', next_attempt_at = NULL
        WHERE campaign_id = $1 AND status = 'scheduled' RETURNING id`,
      [campaignId, now],
    );
    return rows.length;
  }

  /** Holds a paused campaign's unsent invitations: no dispatch, no expiry, until released. */
  async holdScheduled(manager: EntityManager, campaignId: string): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE invitation SET next_attempt_at = NULL, expires_at = 'infinity'
        WHERE campaign_id = $1 AND status = 'scheduled' RETURNING id`,
      [campaignId],
    );
    return rows.length;
  }

  /**
   * Releases a paused campaign's invitations: each send moves on by the pause's length, past the quiet
   * hours of the borrower's zone, and expires the programme's expiry after it.
   */
  async releaseHeld(manager: EntityManager, campaignId: string, pausedMs: number): Promise<number> {
    const { policy } = await this.catalog.current();
    const isWorkingDay = await this.calendar.lookup();
    const held = await queryRows<{ id: string; send_at: Date; time_zone: string; expiry_seconds: number }>(
      manager,
      `SELECT i.id, i.send_at, b.time_zone, s.expiry_seconds
         FROM invitation i JOIN borrower b ON b.id = i.borrower_id JOIN survey s ON s.id = i.survey_id
        WHERE i.campaign_id = $1 AND i.status = 'scheduled' FOR UPDATE OF i`,
      [campaignId],
    );
    if (held.length === 0) return 0;

    const moved = new Rows<{ id: unknown; send_at: unknown; expires_at: unknown }>({
      id: 'uuid',
      send_at: 'timestamptz',
      expires_at: 'timestamptz',
    });
    for (const h of held) {
      const at = nextAllowedSendTime(
        new Date(h.send_at.getTime() + pausedMs),
        h.time_zone,
        isWorkingDay,
        policy.quietHours,
      );
      moved.push({ id: h.id, send_at: at, expires_at: new Date(at.getTime() + h.expiry_seconds * 1000) });
    }
    const params: unknown[] = [];
    await manager.query(
      `WITH moved AS (
         UPDATE invitation i SET send_at = m.send_at, next_attempt_at = m.send_at, expires_at = m.expires_at
           FROM ${moved.unnest(params, 'm')} WHERE i.id = m.id)
       SELECT pg_notify('${INVITATION_DUE_CHANNEL}', '')`,
      params,
    );
    return held.length;
  }

  /** Each campaign's funnel: still scheduled, sent, delivered, opened, answered. */
  async funnels(campaignIds: string[]): Promise<Map<string, CampaignFunnel>> {
    const rows = await queryRows<CampaignFunnel & { campaign_id: string }>(
      this.db,
      `SELECT campaign_id,
              count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled,
              count(sent_at)::int AS sent,
              count(delivered_at)::int AS delivered,
              count(opened_at)::int AS opened,
              count(answered_at)::int AS answered
         FROM invitation WHERE campaign_id = ANY($1::uuid[]) GROUP BY campaign_id`,
      [campaignIds],
    );
    const byId = new Map(rows.map(({ campaign_id, ...funnel }) => [campaign_id, funnel]));
    const empty = { scheduled: 0, sent: 0, delivered: 0, opened: 0, answered: 0 };
    return new Map(campaignIds.map((id) => [id, byId.get(id) ?? empty]));
  }
}
