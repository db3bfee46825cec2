export * from './delivery-status.service';
export * from './dispatch-invitations.use-case';
export * from './expire-invitations.use-case';
export * from './handle-sms-reply.use-case';
export * from './messaging.module';
export * from './sender.port';
export { isValidTwilioSignature } from './adapters/twilio.sms-sender';
export * from './sms-segments';
export * from './template-renderer.service';
