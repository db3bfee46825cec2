import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export const TWILIO_ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const TWILIO_AUTH_TOKEN = 'test-twilio-auth-token';
export const TWILIO_FROM = '+15005550006';

export interface StubMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  at: number;
}

export type TwilioFault =
  { kind: 'status'; status: number; code?: number; message?: string } | { kind: 'hang'; ms: number };

/**
 * A local HTTP server that answers like Twilio's Messages API, for the real `twilio` SDK pointed at it
 * through TWILIO_API_BASE_URL. Faults (429, 5xx, error codes such as 21610, hanging) on request.
 */
export class TwilioStub {
  readonly messages: StubMessage[] = [];
  readonly requests: { at: number; status: number }[] = [];
  private readonly faults: TwilioFault[] = [];
  private server!: Server;
  port = 0;
  /** Every accepted message waits this long before its answer (a slow provider: a batch stays in flight). */
  delayMs = 0;
  /** Most requests being answered at once (how many a client had in flight). */
  maxInFlight = 0;
  private inFlight = 0;

  /** Answers 429 (Twilio 20429) when more than `rateLimitMps` (+1 for timer jitter) arrive within a second. */
  constructor(private readonly rateLimitMps: number | null = null) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  failNext(...faults: TwilioFault[]): void {
    this.faults.push(...faults);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const reply = (status: number, body: object) => {
      this.requests.push({ at: Date.now(), status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || path !== `/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json`)
      return reply(404, { code: 20404, message: 'Not found', status: 404 });
    if (auth !== `${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`)
      return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
    if (this.rateLimitMps !== null) {
      const now = Date.now();
      const recent = this.messages.filter((m) => now - m.at < 1000).length;
      if (recent >= this.rateLimitMps + 1)
        return reply(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (res.destroyed) return;
    } else if (fault?.kind === 'status') {
      return reply(fault.status, {
        code: fault.code ?? fault.status,
        message: fault.message ?? 'fault',
        status: fault.status,
        more_info: 'https://www.twilio.com/docs/errors',
      });
    }
    if (this.delayMs > 0) {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      this.inFlight -= 1;
    }
    const to = form.get('To');
    const body = form.get('Body');
    if (!to || !body || (!form.get('From') && !form.get('MessagingServiceSid')))
      return reply(400, { code: 21604, message: 'missing parameter', status: 400 });
    const sid = `SM${randomBytes(16).toString('hex')}`;
    this.messages.push({
      sid,
      to,
      from: form.get('From'),
      messagingServiceSid: form.get('MessagingServiceSid'),
      body,
      statusCallback: form.get('StatusCallback'),
      at: Date.now(),
    });
    reply(201, {
      sid,
      account_sid: TWILIO_ACCOUNT_SID,
      to,
      from: form.get('From'),
      body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages/${sid}.json`,
    });
  }
}
