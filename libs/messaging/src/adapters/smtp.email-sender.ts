import { createTransport, Transporter } from 'nodemailer';
import { EmailMessage, EmailSender, SendFailure, SendReceipt } from '../sender.port';

/** Nodemailer over SMTP, pooled. Nodemailer never requeues: our dispatcher owns retries. */
export class SmtpEmailSender extends EmailSender {
  readonly transport = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    super();
    this.transporter = createTransport({
      url,
      pool: true,
      maxConnections: 4,
      maxMessages: 100,
      maxRequeues: 0,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as Parameters<typeof createTransport>[0]);
  }

  async send(message: EmailMessage): Promise<SendReceipt> {
    const messageId = `<${message.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@resonance>`;
    try {
      const info = await this.transporter.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        messageId,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { providerMessageId: (info.messageId as string | undefined) ?? messageId };
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; message?: string };
      if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
        return Promise.reject(
          new SendFailure('permanent', `smtp:${e.responseCode}`, e.message ?? 'rejected'),
        );
      }
      const code = typeof e.responseCode === 'number' ? String(e.responseCode) : (e.code ?? 'network');
      return Promise.reject(new SendFailure('transient', `smtp:${code}`, e.message ?? 'SMTP failed'));
    }
  }

  override async close(): Promise<void> {
    this.transporter.close();
  }
}
