import twilio from 'twilio';
import { TwilioConfig } from '@app/config';
import { DeliveryUpdate, InboundSms, SmsWebhooks } from '../sms-webhooks.port';

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Twilio's message statuses in ours (a message only moves forward through them). */
const STATUS: Record<string, DeliveryUpdate['status']> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * Twilio's side of the callbacks: where it should post statuses, its signature (HMAC-SHA1 of the URL
 * and the sorted form parameters, checked against PUBLIC_BASE_URL + path), and its form fields read
 * into our own types. Without Twilio configured every signature is refused.
 */
export class TwilioSmsWebhooks extends SmsWebhooks {
  static readonly STATUS_PATH = '/webhooks/twilio/status';

  constructor(
    private readonly config: TwilioConfig | null,
    private readonly publicBaseUrl: string,
  ) {
    super();
  }

  statusCallbackUrl(): string {
    return `${this.publicBaseUrl}${TwilioSmsWebhooks.STATUS_PATH}`;
  }

  verify(signature: string | undefined, path: string, params: Record<string, unknown>): boolean {
    if (!this.config || !signature) return false;
    return twilio.validateRequest(
      this.config.authToken,
      signature,
      `${this.publicBaseUrl}${path}`,
      params as Record<string, string>,
    );
  }

  parseStatus(params: Record<string, unknown>): DeliveryUpdate | null {
    const { MessageSid: sid, MessageStatus: status, ErrorCode: code } = params;
    if (typeof sid !== 'string' || !MESSAGE_SID.test(sid) || typeof status !== 'string') return null;
    const ours = STATUS[status.toLowerCase()];
    if (!ours) return null;
    const errorCode = typeof code === 'string' && /^\d{1,6}$/.test(code) ? code : null;
    return { providerMessageId: sid, status: ours, errorCode, failureReason: `twilio:${errorCode ?? ours}` };
  }

  /** TwiML: a <Message> with the text escaped, or an empty <Response>. */
  replyTo(text: string | null): { contentType: string; body: string } {
    const escaped = text?.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return {
      contentType: 'text/xml; charset=utf-8',
      body: `<?xml version="1.0" encoding="UTF-8"?><Response>${escaped ? `<Message>${escaped}</Message>` : ''}</Response>`,
    };
  }

  parseInbound(params: Record<string, unknown>): InboundSms | null {
    const { MessageSid: sid, From: from, Body: body } = params;
    if (typeof sid !== 'string' || !MESSAGE_SID.test(sid) || typeof from !== 'string' || !E164.test(from))
      return null;
    return { messageSid: sid, from, body: typeof body === 'string' ? body.slice(0, 1600) : '' };
  }
}
