import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { HandleSmsReply, isValidTwilioSignature } from '@app/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';

function twiml(message: string | null): string {
  const escaped = message?.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${escaped ? `<Message>${escaped}</Message>` : ''}</Response>`;
}

/** SMS replies from borrowers; the signature is checked against PUBLIC_BASE_URL + path before anything is read. */
@ApiExcludeController()
@Controller('webhooks/twilio')
export class TwilioInboundController {
  constructor(
    private readonly config: AppConfig,
    private readonly replies: HandleSmsReply,
  ) {}

  @Post('inbound')
  @HttpCode(200)
  async inbound(
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
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
    void reply.type('text/xml; charset=utf-8');
    const { MessageSid: sid, From: from, Body: text } = params;
    if (
      typeof sid !== 'string' ||
      !/^(SM|MM)[0-9a-fA-F]{32}$/.test(sid) ||
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
}
