import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { DeliveryStatusService, HandleSmsReply, isValidTwilioSignature } from '@app/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRateLimits } from '../http/public-rate-limits.service';

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

function twiml(message: string | null): string {
  const escaped = message?.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${escaped ? `<Message>${escaped}</Message>` : ''}</Response>`;
}

/**
 * Twilio's callbacks: delivery statuses and borrowers' SMS replies. The signature is checked against
 * PUBLIC_BASE_URL + path before anything is read; a bad or missing one is 403 and writes nothing.
 */
@ApiExcludeController()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly config: AppConfig,
    private readonly delivery: DeliveryStatusService,
    private readonly replies: HandleSmsReply,
    private readonly limits: PublicRateLimits,
  ) {}

  @Post('status')
  @HttpCode(204)
  async status(
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const params = this.verified(signature, body, request);
    const { MessageSid: sid, MessageStatus: status, ErrorCode: code } = params;
    if (typeof sid !== 'string' || typeof status !== 'string' || !MESSAGE_SID.test(sid)) return;
    const errorCode = typeof code === 'string' && /^\d{1,6}$/.test(code) ? code : null;
    await this.delivery.apply({ providerMessageId: sid, providerStatus: status, errorCode });
  }

  @Post('inbound')
  @HttpCode(200)
  async inbound(
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const params = this.verified(signature, body, request);
    void reply.type('text/xml; charset=utf-8');
    const { MessageSid: sid, From: from, Body: text } = params;
    if (typeof from === 'string' && !this.limits.allowSender(from))
      throw new DomainException('rate_limited', 'Too many messages from this number; try again in a minute.');
    if (
      typeof sid !== 'string' ||
      !MESSAGE_SID.test(sid) ||
      typeof from !== 'string' ||
      !/^\+[1-9]\d{6,14}$/.test(from)
    ) {
      return twiml(null);
    }
    const answer = await this.replies.execute({
      messageSid: sid,
      from,
      body: typeof text === 'string' ? text.slice(0, 1600) : '',
    });
    return twiml(answer);
  }

  private verified(
    signature: string | undefined,
    body: unknown,
    request: FastifyRequest,
  ): Record<string, unknown> {
    if (!this.limits.allowWebhook(request.ip))
      throw new DomainException(
        'rate_limited',
        'Too many requests from this address; try again in a minute.',
      );
    const params =
      body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    const url = `${this.config.publicBaseUrl}${request.url}`;
    if (
      !this.config.twilio ||
      !params ||
      !isValidTwilioSignature(this.config.twilio.authToken, signature, url, params)
    ) {
      throw new DomainException('forbidden', 'The Twilio signature is missing or does not match.');
    }
    return params;
  }
}
