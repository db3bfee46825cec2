/** A delivery status in our terms, read from a provider's callback. */
export interface DeliveryUpdate {
  providerMessageId: string;
  status: 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  /** The provider's own error code, if any (kept on the message). */
  errorCode: string | null;
  /** Why a failed invitation failed, prefixed with the provider (`twilio:30003`). */
  failureReason: string;
}

/** A borrower's SMS reply, read from a provider's callback. */
export interface InboundSms {
  messageSid: string;
  from: string;
  body: string;
}

/**
 * The SMS provider's callbacks: the URL it posts statuses to, its signature check, and its form fields
 * read into our types. The Twilio adapter implements it; the messaging library sees only our types.
 */
export abstract class SmsWebhooks {
  abstract statusCallbackUrl(): string;
  /** `path` is the request's path and query as received; the provider signed the public URL. */
  abstract verify(signature: string | undefined, path: string, params: Record<string, unknown>): boolean;
  abstract parseStatus(params: Record<string, unknown>): DeliveryUpdate | null;
  abstract parseInbound(params: Record<string, unknown>): InboundSms | null;
  /** The answer to an inbound message: a text back to the borrower, or none. */
  abstract replyTo(text: string | null): { contentType: string; body: string };
}
