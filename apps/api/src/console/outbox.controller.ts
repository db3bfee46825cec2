import { createHmac, randomBytes } from 'node:crypto';
import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { AppConfig } from '@app/config';
import { constantTimeEqual, NotFoundException } from '@app/core';
import { StaffSession } from '@app/identity';
import { HandleSmsReply, OutboxQueries } from '@app/messaging';
import { maskEmail, maskPhone } from '@app/callbacks';
import { InvitationQueries, SurveyCatalog } from '@app/surveys';
import type { FastifyReply } from 'fastify';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { field, Form, FormFields, queryText, seeOther } from './forms';

/** Text with this deployment's survey and unsubscribe links as separate parts, so only those become links. */
export function linkify(text: string, baseUrl: string): { text: string; href: string | null }[] {
  const escaped = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}/[su]/[A-Za-z0-9_-]+(\\?score=\\d{1,2})?`, 'g');
  const parts: { text: string; href: string | null }[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), href: null });
    parts.push({ text: match[0], href: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), href: null });
  return parts;
}

/**
 * The Outbox: the surveys still waiting for their send time, every SMS and email the outbox transports
 * "sent", with clickable survey links, and an SMS reply box that answers as the borrower would, so the
 * whole loop runs on a laptop.
 */
@Console('expert', 'admin')
@Controller('console/outbox')
export class OutboxController {
  constructor(
    private readonly outbox: OutboxQueries,
    private readonly invitations: InvitationQueries,
    private readonly catalog: SurveyCatalog,
    private readonly replies: HandleSmsReply,
    private readonly audit: AuditService,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @CurrentSession() session: StaffSession,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const cursor = queryText(query, 'cursor', 300);
    // Surveys waiting for their send time (a delay, quiet hours, a retry) come first, on the first page:
    // at night a new event's SMS waits for the morning, and the Outbox says so instead of looking empty.
    const outboxChannels = [
      ...(this.config.twilio ? [] : ['sms' as const]),
      ...(this.config.smtp ? [] : ['email' as const]),
    ];
    const [page, scheduled, programmes] = await Promise.all([
      this.outbox.list(cursor),
      cursor ? Promise.resolve([]) : this.invitations.scheduledSends(outboxChannels),
      this.catalog.programmes(),
    ]);
    const locale = session.user.locale;
    this.pages.send(
      reply,
      200,
      'outbox',
      { session, locale, section: 'outbox', title: this.pages.text(locale, 'outbox.title') },
      {
        inUse: !this.config.twilio || !this.config.smtp,
        smsOutbox: !this.config.twilio,
        items: page.items.map((m) => ({
          ...m,
          recipient: m.channel === 'sms' ? maskPhone(m.recipient) : maskEmail(m.recipient),
          parts: linkify(m.bodyText, this.config.publicBaseUrl),
          canReply:
            !this.config.twilio &&
            m.channel === 'sms' &&
            (m.invitationStatus === 'sent' ||
              m.invitationStatus === 'delivered' ||
              m.invitationStatus === 'answered'),
        })),
        scheduled: scheduled.map((m) => ({
          ...m,
          recipient:
            m.recipient === null
              ? '—'
              : m.channel === 'sms'
                ? maskPhone(m.recipient)
                : maskEmail(m.recipient),
          surveyTitle: programmes.find((p) => p.key === m.surveyKey)?.title ?? null,
        })),
        nextPage: page.nextCursor ? `?cursor=${encodeURIComponent(page.nextCursor)}` : null,
        notice: queryText(query, 'notice', 40) ?? null,
        answer: this.verifiedAnswer(session, queryText(query, 'answer', 400), queryText(query, 'sig', 100)),
      },
    );
  }

  /** Replies to an outbox SMS as its recipient: the same use case a Twilio inbound webhook runs. */
  @Post(':id/reply')
  async reply(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (this.config.twilio) throw new NotFoundException('The outbox');
    const from = await this.outbox.smsRecipient(id);
    const text = (field(form, 'body') ?? '').slice(0, 1600);
    const answer = await this.replies.execute({
      messageSid: `SM${randomBytes(16).toString('hex')}`,
      from,
      body: text,
    });
    await this.audit.record(session.actor, {
      action: 'outbox.sms_reply_simulated',
      entityType: 'message',
      entityId: id,
    });
    const shown = answer?.slice(0, 400);
    const params = new URLSearchParams({
      notice: 'replied',
      ...(shown ? { answer: shown, sig: this.answerSignature(session, shown) } : {}),
    });
    seeOther(reply, `/console/outbox?${params}`);
  }

  /**
   * The reply the simulated SMS got, carried through the redirect with a signature bound to this
   * session: the banner shows only text this server wrote, never what a crafted link puts there.
   */
  private answerSignature(session: StaffSession, answer: string): string {
    return createHmac('sha256', this.config.appSecret)
      .update(`outbox-answer:${session.id}:${answer}`)
      .digest('base64url');
  }

  private verifiedAnswer(session: StaffSession, answer?: string, signature?: string): string | null {
    if (!answer || !signature) return null;
    return constantTimeEqual(signature, this.answerSignature(session, answer)) ? answer : null;
  }
}
