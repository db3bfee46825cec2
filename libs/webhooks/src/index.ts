export * from './deliver-webhooks.use-case';
export * from './webhook-endpoints.service';
export * from './webhook-events';
export * from './webhook-outbox.service';
export * from './webhook-signature';
export * from './webhooks.module';
