import { randomUUID } from 'node:crypto';

export interface EventOverrides {
  externalId?: string;
  occurredAt?: string;
  touchpoint?: string;
  product?: string;
  agentRef?: string;
  preferredChannel?: 'sms' | 'email' | 'in_app';
  borrower?: Record<string, unknown>;
  [key: string]: unknown;
}

let sequence = 0;

/** A valid contact event body as a CRM would post it; each call a new event and a new borrower. */
export function contactEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  sequence += 1;
  const { borrower, ...rest } = overrides;
  return {
    externalId: `crm-${randomUUID()}`,
    occurredAt: '2026-11-18T12:00:00+03:00',
    touchpoint: 'call',
    product: 'PDL',
    agentRef: 'op-17',
    borrower: {
      externalId: `b-${randomUUID()}`,
      name: 'Елена',
      phone: `+7999${String(1_000_000 + sequence).slice(-7)}`,
      locale: 'ru',
      timeZone: 'Europe/Moscow',
      ...borrower,
    },
    ...rest,
  };
}
