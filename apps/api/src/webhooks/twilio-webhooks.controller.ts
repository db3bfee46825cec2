import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { DeliveryStatusService, isValidTwilioSignature } from '@app/messaging';
import type { FastifyRequest } from 'fastify';

/** Twilio's callbacks: the signature is checked against PUBLIC_BASE_URL + path before anything is read. */
@ApiExcludeController()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly config: AppConfig,
    private readonly delivery: DeliveryStatusService,
  ) {}

  @Post('status')
  @HttpCode(204)
  async status(
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const params = this.verified(signature, body, request);
    const sid = params.MessageSid;
    const status = params.MessageStatus;
    if (typeof sid !== 'string' || typeof status !== 'string' || !/^(SM|MM)[0-9a-fA-F]{32}$/.test(sid))
      return;
    const errorCode =
      typeof params.ErrorCode === 'string' && /^\d{1,6}$/.test(params.ErrorCode) ? params.ErrorCode : null;
    await this.delivery.apply({ providerMessageId: sid, providerStatus: status, errorCode });
  }

  private verified(
    signature: string | undefined,
    body: unknown,
    request: FastifyRequest,
  ): Record<string, unknown> {
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
