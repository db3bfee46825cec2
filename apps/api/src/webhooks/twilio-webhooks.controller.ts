import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainException } from '@app/core';
import { DeliveryStatusService, HandleSmsReply, SmsWebhooks } from '@app/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRateLimits } from '../http/public-rate-limits.service';

/**
 * Twilio's callbacks: delivery statuses and borrowers' SMS replies. The signature is checked against
 * PUBLIC_BASE_URL + path before anything is read; a bad or missing one is 403 and writes nothing.
 */
@ApiExcludeController()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly provider: SmsWebhooks,
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
    const update = this.provider.parseStatus(this.verified(signature, body, request));
    if (update) await this.delivery.apply(update);
  }

  @Post('inbound')
  @HttpCode(200)
  async inbound(
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const sms = this.provider.parseInbound(this.verified(signature, body, request));
    if (sms && !this.limits.allowSender(sms.from))
      throw new DomainException('rate_limited', 'Too many messages from this number; try again in a minute.');
    const answer = this.provider.replyTo(sms ? await this.replies.execute(sms) : null);
    void reply.type(answer.contentType);
    return answer.body;
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
    if (!params || !this.provider.verify(signature, request.url, params))
      throw new DomainException('forbidden', 'The Twilio signature is missing or does not match.');
    return params;
  }
}
