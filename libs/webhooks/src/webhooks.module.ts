import { Module } from '@nestjs/common';
import { DeliverWebhooks } from './deliver-webhooks.use-case';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookOutbox } from './webhook-outbox.service';

@Module({
  providers: [WebhookOutbox, WebhookEndpoints, DeliverWebhooks],
  exports: [WebhookOutbox, WebhookEndpoints, DeliverWebhooks],
})
export class WebhooksModule {}
