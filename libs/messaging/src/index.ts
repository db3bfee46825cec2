// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { DeliveryStatusService } from './delivery-status.service';
export { DispatchInvitations, SEND_CONCURRENCY } from './dispatch-invitations.use-case';
export { ExpireInvitations } from './expire-invitations.use-case';
export { HandleSmsReply } from './handle-sms-reply.use-case';
export { MessageOutbox } from './message-outbox.service';
export { MessagingModule } from './messaging.module';
export { OutboxQueries } from './outbox-queries.service';
export { SendQueuedMessages } from './send-queued-messages.use-case';
export { SmsWebhooks } from './sms-webhooks.port';
export { TemplateRenderer } from './template-renderer.service';
export { MessageContents } from './message-contents.repository';
