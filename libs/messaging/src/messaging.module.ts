import { OutboxQueries } from './outbox-queries.service';
import { Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { TemplatesModule } from '@app/core';
import { SurveysModule } from '@app/surveys';
import { WebhooksModule } from '@app/webhooks';
import { OutboxEmailSender, OutboxSmsSender } from './adapters/outbox.sms-sender';
import { SmtpEmailSender } from './adapters/smtp.email-sender';
import { TwilioSmsSender } from './adapters/twilio.sms-sender';
import { TwilioSmsWebhooks } from './adapters/twilio.sms-webhooks';
import { DeliveryStatusService } from './delivery-status.service';
import { DispatchInvitations } from './dispatch-invitations.use-case';
import { ExpireInvitations } from './expire-invitations.use-case';
import { HandleSmsReply } from './handle-sms-reply.use-case';
import { MessageContents } from './message-contents.repository';
import { MessageOutbox } from './message-outbox.service';
import { SendQueuedMessages } from './send-queued-messages.use-case';
import { EmailSender, SmsSender } from './sender.port';
import { SmsWebhooks } from './sms-webhooks.port';
import { SmsPacer } from './sms-pacer.service';
import { TemplateRenderer } from './template-renderer.service';

/** Transports chosen by configuration: Twilio and SMTP when configured, the Outbox otherwise. */
@Module({
  imports: [SurveysModule, WebhooksModule, TemplatesModule],
  providers: [
    {
      provide: SmsSender,
      inject: [AppConfig, SmsWebhooks],
      useFactory: (config: AppConfig, webhooks: SmsWebhooks): SmsSender =>
        config.twilio
          ? new TwilioSmsSender(config.twilio, webhooks.statusCallbackUrl())
          : new OutboxSmsSender(),
    },
    {
      provide: SmsWebhooks,
      inject: [AppConfig],
      useFactory: (config: AppConfig): SmsWebhooks =>
        new TwilioSmsWebhooks(config.twilio, config.publicBaseUrl),
    },
    {
      provide: EmailSender,
      inject: [AppConfig],
      useFactory: (config: AppConfig): EmailSender =>
        config.smtp ? new SmtpEmailSender(config.smtp.url, config.emailFrom) : new OutboxEmailSender(),
    },
    SmsPacer,
    MessageContents,
    TemplateRenderer,
    DispatchInvitations,
    ExpireInvitations,
    DeliveryStatusService,
    HandleSmsReply,
    MessageOutbox,
    SendQueuedMessages,
    OutboxQueries,
  ],
  exports: [
    OutboxQueries,
    MessageContents,
    MessageOutbox,
    SendQueuedMessages,
    DispatchInvitations,
    ExpireInvitations,
    DeliveryStatusService,
    HandleSmsReply,
    TemplateRenderer,
    SmsSender,
    SmsWebhooks,
    EmailSender,
  ],
})
export class MessagingModule implements OnApplicationShutdown {
  constructor(private readonly email: EmailSender) {}

  async onApplicationShutdown(): Promise<void> {
    await this.email.close?.();
  }
}
