export type Transport = 'twilio' | 'smtp' | 'outbox';

export interface SmsMessage {
  to: string;
  body: string;
  /** Deterministic per logical message: `invitation:<id>:initial`. */
  idempotencyKey: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  idempotencyKey: string;
}

export interface SendReceipt {
  providerMessageId: string;
}

/**
 * A send that did not go through. `transient` failures (SMTP 4xx, Twilio 429/5xx, timeouts) are
 * retried with backoff; `permanent` ones (SMTP 5xx, an invalid or opted-out number) fail at once.
 */
export class SendFailure extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    readonly code: string,
    message: string,
    /** The provider says the recipient opted out (Twilio 21610). */
    readonly optedOut = false,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}

/** Sends SMS. Adapters: Twilio (the `twilio` SDK) and the Outbox (stored only, shown in the console). */
export abstract class SmsSender {
  abstract readonly transport: Transport;
  /** The sender the provider paces by (number, messaging service or "outbox"). */
  abstract readonly sender: string;
  abstract send(message: SmsMessage): Promise<SendReceipt>;
}

/** Sends email. Adapters: SMTP (Nodemailer, pooled) and the Outbox. */
export abstract class EmailSender {
  abstract readonly transport: Transport;
  abstract send(message: EmailMessage): Promise<SendReceipt>;
  close?(): Promise<void>;
}
