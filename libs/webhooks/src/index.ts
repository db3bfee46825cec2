// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { DeliverWebhooks } from './deliver-webhooks.use-case';
export { WebhookEndpoints } from './webhook-endpoints.service';
export type { WebhookDeliveryView, WebhookEndpointView } from './webhook-endpoints.service';
export { WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT } from './webhook-events';
export { WebhookOutbox } from './webhook-outbox.service';
export { signWebhook } from './webhook-signature';
export { WebhooksModule } from './webhooks.module';
