export const WEBHOOK_EVENTS = [
  'invitation.in_app_created',
  'response.received',
  'callback_task.created',
  'complaint.registered',
  'complaint.resolved',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** The event an admin sends from the console to check an endpoint; never emitted by the domain. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
