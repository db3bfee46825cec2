import { randomUUID } from 'node:crypto';
import { EmailMessage, EmailSender, SendReceipt, SmsMessage, SmsSender } from '../sender.port';

/**
 * The Outbox: nothing leaves the machine. The dispatcher stores every message it "sends" in the
 * `message` table as usual, and the console's Outbox page shows them with their survey links.
 */
export class OutboxSmsSender extends SmsSender {
  readonly transport = 'outbox' as const;
  readonly sender = 'outbox';

  async send(_message: SmsMessage): Promise<SendReceipt> {
    return { providerMessageId: `outbox-${randomUUID()}` };
  }
}

export class OutboxEmailSender extends EmailSender {
  readonly transport = 'outbox' as const;

  async send(_message: EmailMessage): Promise<SendReceipt> {
    return { providerMessageId: `outbox-${randomUUID()}` };
  }
}
