import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextAllowedSendTime, WorkingCalendar } from '@app/calendar';
import { AppConfig } from '@app/config';
import { Clock } from '@app/core';
import {
  ClaimedInvitation,
  InvitationLifecycle,
  invitationToken,
  localize,
  OptOutService,
  Survey,
  SurveyCatalog,
} from '@app/surveys';
import { WebhookOutbox } from '@app/webhooks';
import { DataSource } from 'typeorm';
import { EmailSender, SendFailure, SendReceipt, SmsSender } from './sender.port';
import { SmsPacer, waitUntil } from './sms-pacer.service';
import { MessagePurpose, TemplateRenderer } from './template-renderer.service';

/** How long a claimed invitation stays invisible to other workers while this one sends it. */
const LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 30_000;
/** Sends in flight at once per worker. */
export const SEND_CONCURRENCY = 32;
/** Finished sends committed together: with SEND_CONCURRENCY in flight, a crash re-sends at most their sum. */
export const COMMIT_EVERY = 8;
const BACKOFF_MAX_MS = 60 * 60_000;

export interface DispatchReport {
  claimed: number;
  sent: number;
  rescheduled: number;
  failed: number;
  cancelled: number;
}

/** Exponential backoff with full jitter: attempt 1 → up to 30 s, 2 → 60 s, … capped at an hour. */
export function backoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Sends due invitations and reminders. Work items are invitation rows claimed with
 * `FOR UPDATE SKIP LOCKED` under a lease, so any number of workers run side by side and none sends
 * what another holds. Delivery is at least once: a crash after the provider accepted a message and
 * before our commit re-sends it when the lease ends (the one window for a duplicate; README).
 */
@Injectable()
export class DispatchInvitations {
  private readonly logger = new Logger(DispatchInvitations.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly pacer: SmsPacer,
    private readonly renderer: TemplateRenderer,
    private readonly catalog: SurveyCatalog,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly webhooks: WebhookOutbox,
    private readonly optOuts: OptOutService,
    private readonly lifecycle: InvitationLifecycle,
  ) {}

  /** First messages of invitations whose send time has come. */
  async dispatchDue(limit = 200): Promise<DispatchReport> {
    const now = this.clock.now();
    const claimed = await this.lifecycle.claimDue(
      now,
      this.batchSize(limit),
      new Date(now.getTime() + LEASE_MS),
    );
    return this.process(claimed, 'invitation');
  }

  /** The one reminder of sent, unanswered invitations whose reminder time has come. */
  async sendReminders(limit = 200): Promise<DispatchReport> {
    const now = this.clock.now();
    const claimed = await this.lifecycle.claimReminders(
      now,
      this.batchSize(limit),
      new Date(now.getTime() + LEASE_MS),
    );
    return this.process(claimed, 'reminder');
  }

  /** SMS waits for its pacing slot while holding the lease: claim no more than a minute's worth. */
  private batchSize(limit: number): number {
    return Math.max(1, Math.min(limit, Math.floor(this.config.smsSenderMps * 60)));
  }

  private async process(claimed: ClaimedInvitation[], purpose: MessagePurpose): Promise<DispatchReport> {
    const report: DispatchReport = {
      claimed: claimed.length,
      sent: 0,
      rescheduled: 0,
      failed: 0,
      cancelled: 0,
    };
    if (claimed.length === 0) return report;
    const now = this.clock.now();
    const [{ policy }, isWorkingDay] = await Promise.all([this.catalog.current(), this.calendar.lookup()]);
    const surveys = new Map<string, Survey>();
    for (const id of new Set(claimed.map((c) => c.survey_id))) {
      const survey = await this.catalog.byId(id);
      if (survey) surveys.set(id, survey);
    }

    const outcomes: Outcome[] = [];
    const jobs: SendJob[] = [];
    for (const invitation of claimed) {
      const survey = surveys.get(invitation.survey_id)!;
      if (invitation.channel === 'in_app') {
        outcomes.push({ kind: 'sent', invitation, survey, message: null });
      } else if (
        (invitation.channel === 'sms' && invitation.sms_opted_out) ||
        (invitation.channel === 'email' && invitation.email_opted_out)
      ) {
        outcomes.push({ kind: 'cancelled', invitation });
      } else {
        const allowed = nextAllowedSendTime(now, invitation.time_zone, isWorkingDay, policy.quietHours);
        if (allowed.getTime() > now.getTime())
          outcomes.push({ kind: 'rescheduled', invitation, at: allowed });
        else jobs.push(this.prepare(invitation, survey, purpose));
      }
    }

    // Outcomes are committed in small chunks as sends finish (not once per batch), so a crash re-sends at
    // most what was in flight or finished but not yet committed: SEND_CONCURRENCY + COMMIT_EVERY messages.
    let written = 0;
    let writing: Promise<void> = Promise.resolve();
    let writeError: unknown = null;
    const commit = () => {
      const chunk = outcomes.slice(written);
      written = outcomes.length;
      if (chunk.length > 0)
        writing = writing
          .then(() => this.persist(chunk, purpose, now, isWorkingDay, policy))
          .catch((error: unknown) => void (writeError ??= error));
      return writing;
    };
    void commit();

    // SMS leave one per pacing slot of the sender (reserved for the whole batch at once); sends run side by side.
    const smsJobs = jobs.filter((j) => j.invitation.channel === 'sms');
    const slots = await this.pacer.reserve(this.sms.sender, smsJobs.length);
    smsJobs.forEach((job, i) => (job.slot = slots[i]!));
    await mapLimit(jobs, SEND_CONCURRENCY, async (job) => {
      try {
        if (job.slot) await waitUntil(job.slot);
        const receipt = await job.send();
        outcomes.push({
          kind: 'sent',
          invitation: job.invitation,
          survey: job.survey,
          message: { ...job.stored, providerMessageId: receipt.providerMessageId },
        });
      } catch (error) {
        const failure =
          error instanceof SendFailure
            ? error
            : new SendFailure('transient', 'unexpected', 'unexpected error');
        this.logger.warn(
          {
            invitationId: job.invitation.id,
            channel: job.invitation.channel,
            purpose,
            code: failure.code,
            kind: failure.kind,
          },
          'send failed',
        );
        outcomes.push({ kind: 'failure', invitation: job.invitation, failure });
      }
      if (outcomes.length - written >= COMMIT_EVERY) void commit();
    });
    await commit();
    if (writeError) throw writeError;
    for (const outcome of outcomes) {
      if (outcome.kind === 'failure') {
        report[
          outcome.failure.kind === 'transient' &&
          outcome.invitation.attempts < policy.maxSendAttempts &&
          purpose === 'invitation'
            ? 'rescheduled'
            : 'failed'
        ] += 1;
      } else report[outcome.kind] += 1;
    }
    return report;
  }

  /** Renders the message; the send itself runs later, after the pacing slot. */
  private prepare(invitation: ClaimedInvitation, survey: Survey, purpose: MessagePurpose): SendJob {
    const token = invitationToken(this.config.appSecret, invitation.id);
    const idempotencyKey = `invitation:${invitation.id}:${purpose}`;
    if (invitation.channel === 'sms') {
      // The programme's own invitation text when it has one; reminders and defaults from the templates.
      const own = purpose === 'invitation' ? survey.smsText?.[invitation.locale] : undefined;
      const body =
        own ?? this.renderer.sms(purpose, survey.kind === 'NPS' ? 'NPS' : 'CSI', invitation.locale);
      return {
        invitation,
        survey,
        slot: null,
        stored: {
          idempotencyKey,
          recipient: invitation.phone!,
          subject: null,
          text: body,
          html: null,
          transport: this.sms.transport,
          sender: this.sms.sender,
        },
        send: () =>
          this.sms.send({
            to: invitation.phone!,
            body,
            idempotencyKey,
          }),
      };
    }
    const question = survey.questions.length === 1 ? survey.questions[0]! : null;
    const unsubscribeUrl = `${this.config.publicBaseUrl}/u/${token}`;
    const content = this.renderer.surveyEmail({
      locale: invitation.locale,
      purpose,
      name: invitation.name,
      question: question
        ? {
            text: localize(question.text, invitation.locale)!,
            min: question.min,
            max: question.max,
            minLabel: localize(question.minLabel, invitation.locale) ?? String(question.min),
            maxLabel: localize(question.maxLabel, invitation.locale) ?? String(question.max),
          }
        : null,
      surveyUrl: `${this.config.publicBaseUrl}/s/${token}`,
      unsubscribeUrl,
      expiresAt: invitation.expires_at,
      timeZone: invitation.time_zone,
    });
    // The Outbox is where a demo reads its links; a real transport's stored copy keeps no live token.
    const keep =
      this.email.transport === 'outbox'
        ? (text: string) => text
        : (text: string) => text.split(token).join('…');
    return {
      invitation,
      survey,
      slot: null,
      stored: {
        idempotencyKey,
        recipient: invitation.email!,
        subject: content.subject,
        text: keep(content.text),
        html: keep(content.html),
        transport: this.email.transport,
        sender: null,
      },
      send: () =>
        this.email.send({
          to: invitation.email!,
          ...content,
          idempotencyKey,
          headers: {
            'List-Unsubscribe': `<${unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        }),
    };
  }

  /** Records a whole batch's outcomes in one transaction: set-based statements, one commit. */
  private async persist(
    outcomes: Outcome[],
    purpose: MessagePurpose,
    now: Date,
    isWorkingDay: (d: string) => boolean,
    policy: { quietHours: Parameters<typeof nextAllowedSendTime>[3]; maxSendAttempts: number },
  ): Promise<void> {
    const sent = outcomes.filter((o): o is Extract<Outcome, { kind: 'sent' }> => o.kind === 'sent');
    const messages = sent.filter((o) => o.message);
    const cancelled = outcomes.filter((o) => o.kind === 'cancelled').map((o) => o.invitation.id);
    const rescheduled = outcomes.filter(
      (o): o is Extract<Outcome, { kind: 'rescheduled' }> => o.kind === 'rescheduled',
    );
    const failures = outcomes.filter((o): o is Extract<Outcome, { kind: 'failure' }> => o.kind === 'failure');
    const retry = failures.filter(
      (f) =>
        purpose === 'invitation' &&
        f.failure.kind === 'transient' &&
        f.invitation.attempts < policy.maxSendAttempts,
    );
    const failed = failures.filter((f) => !retry.includes(f));
    const optedOut = failures.filter((f) => f.failure.optedOut).map((f) => f.invitation.borrower_id);
    const column = <T, V>(items: T[], pick: (item: T) => V): V[] => items.map(pick);

    await this.db.transaction(async (manager) => {
      if (messages.length > 0) {
        await manager.query(
          `INSERT INTO message (idempotency_key, invitation_id, borrower_id, channel, purpose, transport, sender, recipient, subject,
                                body_text, body_html, status, provider_message_id, attempts, sent_at, created_at, updated_at)
           SELECT m.key, m.invitation_id, m.borrower_id, m.channel, $13, m.transport, m.sender, m.recipient, m.subject,
                  m.body_text, m.body_html, 'sent', m.provider_id, m.attempts, $14, $14, $14
             FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::text[], $11::text[], $12::int[])
               AS m(key, invitation_id, borrower_id, channel, transport, sender, recipient, subject, body_text, body_html, provider_id, attempts)
           ON CONFLICT (idempotency_key) DO NOTHING`,
          [
            column(messages, (o) => o.message!.idempotencyKey),
            column(messages, (o) => o.invitation.id),
            column(messages, (o) => o.invitation.borrower_id),
            column(messages, (o) => o.invitation.channel),
            column(messages, (o) => o.message!.transport),
            column(messages, (o) => o.message!.sender),
            column(messages, (o) => o.message!.recipient),
            column(messages, (o) => o.message!.subject),
            column(messages, (o) => o.message!.text),
            column(messages, (o) => o.message!.html),
            column(messages, (o) => o.message!.providerMessageId),
            column(messages, (o) => o.invitation.attempts),
            purpose,
            now,
          ],
        );
      }
      if (sent.length > 0 && purpose === 'invitation') {
        const remindAt = sent.map((o) =>
          o.invitation.channel !== 'in_app' && o.survey.reminderDelaySeconds
            ? nextAllowedSendTime(
                new Date(now.getTime() + o.survey.reminderDelaySeconds * 1000),
                o.invitation.time_zone,
                isWorkingDay,
                policy.quietHours,
              )
            : null,
        );
        await this.lifecycle.markSent(
          manager,
          column(sent, (o) => o.invitation.id),
          remindAt,
          now,
        );
      }
      for (const o of sent) {
        if (purpose === 'invitation' && o.invitation.channel === 'in_app') {
          await this.webhooks.emit(
            manager,
            'invitation.in_app_created',
            `invitation.in_app_created:${o.invitation.id}`,
            {
              invitationId: o.invitation.id,
              borrowerExternalId: o.invitation.borrower_external_id,
              survey: o.survey.key,
              expiresAt: o.invitation.expires_at.toISOString(),
            },
          );
        }
      }
      if (sent.length > 0 && purpose === 'reminder') {
        await this.lifecycle.markReminded(
          manager,
          column(sent, (o) => o.invitation.id),
          now,
        );
      }
      if (cancelled.length > 0) {
        if (purpose === 'invitation') await this.lifecycle.cancelForOptOut(manager, cancelled, now);
        else await this.lifecycle.dropReminders(manager, cancelled);
      }
      if (rescheduled.length > 0) {
        const ids = column(rescheduled, (o) => o.invitation.id);
        const at = column(rescheduled, (o) => o.at);
        if (purpose === 'invitation') await this.lifecycle.reschedule(manager, ids, at);
        else await this.lifecycle.rescheduleReminders(manager, ids, at);
      }
      if (optedOut.length > 0) {
        await this.optOuts.markSmsOptedOut(manager, optedOut, now);
      }
      if (retry.length > 0) {
        await this.lifecycle.retryLater(
          manager,
          column(retry, (f) => f.invitation.id),
          column(retry, (f) => new Date(now.getTime() + backoffMs(f.invitation.attempts))),
          column(retry, (f) => f.failure.code),
        );
      }
      if (failed.length > 0) {
        const ids = column(failed, (f) => f.invitation.id);
        if (purpose === 'invitation')
          await this.lifecycle.markFailed(
            manager,
            ids,
            column(failed, (f) => f.failure.code),
            now,
          );
        else await this.lifecycle.dropReminders(manager, ids);
      }
    });
  }
}

interface StoredMessage {
  idempotencyKey: string;
  recipient: string;
  subject: string | null;
  text: string;
  html: string | null;
  transport: string;
  sender: string | null;
}

interface SendJob {
  invitation: ClaimedInvitation;
  survey: Survey;
  slot: Date | null;
  stored: StoredMessage;
  send(): Promise<SendReceipt>;
}

type Outcome =
  | {
      kind: 'sent';
      invitation: ClaimedInvitation;
      survey: Survey;
      message: (StoredMessage & { providerMessageId: string }) | null;
    }
  | { kind: 'cancelled'; invitation: ClaimedInvitation }
  | { kind: 'rescheduled'; invitation: ClaimedInvitation; at: Date }
  | { kind: 'failure'; invitation: ClaimedInvitation; failure: SendFailure };

async function mapLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
