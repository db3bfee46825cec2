import twilio from 'twilio';
import { TwilioConfig } from '@app/config';
import { SendFailure, SendReceipt, SmsMessage, SmsSender } from '../sender.port';

/** Twilio error codes that no retry will fix. */
const PERMANENT_CODES = new Set([21211, 21212, 21214, 21217, 21408, 21606, 21610, 21612, 21614, 21635]);
const OPTED_OUT = 21610;

export class TwilioSmsSender extends SmsSender {
  readonly transport = 'twilio' as const;
  readonly sender: string;
  private readonly client: ReturnType<typeof twilio>;

  constructor(
    private readonly config: TwilioConfig,
    private readonly statusCallbackUrl: string,
  ) {
    super();
    this.sender = config.messagingServiceSid ?? config.from!;
    this.client = twilio(config.accountSid, config.authToken, {
      timeout: 15_000,
      autoRetry: false,
      keepAlive: true,
      maxSockets: 32,
    });
    // TWILIO_API_BASE_URL: the REST calls go to another base (a local Twilio-like endpoint in tests, a proxy).
    if (config.apiBaseUrl) this.client.api.baseUrl = config.apiBaseUrl;
  }

  async send(message: SmsMessage): Promise<SendReceipt> {
    try {
      const created = await this.client.messages.create({
        to: message.to,
        body: message.body,
        ...(this.config.messagingServiceSid
          ? { messagingServiceSid: this.config.messagingServiceSid }
          : { from: this.config.from! }),
        statusCallback: this.statusCallbackUrl,
      });
      return { providerMessageId: created.sid };
    } catch (error) {
      throw classify(error);
    }
  }
}

function classify(error: unknown): SendFailure {
  const e = error as { status?: number; code?: number | string; message?: string };
  const code = typeof e.code === 'number' ? e.code : Number(e.code);
  if (Number.isFinite(code) && PERMANENT_CODES.has(code)) {
    return new SendFailure(
      'permanent',
      `twilio:${code}`,
      e.message ?? 'rejected by Twilio',
      code === OPTED_OUT,
    );
  }
  if (
    typeof e.status === 'number' &&
    e.status >= 400 &&
    e.status < 500 &&
    e.status !== 429 &&
    e.status !== 408
  ) {
    return new SendFailure(
      'permanent',
      `twilio:${Number.isFinite(code) ? code : e.status}`,
      e.message ?? 'rejected by Twilio',
    );
  }
  const label =
    typeof e.status === 'number' ? `http_${e.status}` : typeof e.code === 'string' ? e.code : 'network';
  return new SendFailure('transient', `twilio:${label}`, e.message ?? 'Twilio did not answer');
}
