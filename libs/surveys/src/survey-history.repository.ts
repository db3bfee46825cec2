import { Injectable } from '@nestjs/common';
import { Rows } from '@app/database';
import { EntityManager } from 'typeorm';

/*
 * Past records written as they were (a demo's ninety days, a lender's history brought in): contacts,
 * the invitations they led to and the answers, many rows per statement. The caller computes the
 * history; this library owns how it lands in its tables.
 */
export type HistoricEvent = {
  external_id: string;
  borrower_id: string;
  touchpoint: string;
  product: string;
  agent_ref: string;
  occurred_at: Date;
  body_hash: Buffer;
};
export const HISTORIC_EVENT_COLUMNS = {
  external_id: 'text',
  borrower_id: 'uuid',
  touchpoint: 'text',
  product: 'text',
  agent_ref: 'text',
  occurred_at: 'timestamptz',
  body_hash: 'bytea',
} as const;

export type HistoricInvitation = {
  contact_event_id: string;
  survey_id: string;
  borrower_id: string;
  channel: string;
  locale: string;
  token_hash: Buffer;
  status: string;
  send_at: Date;
  expires_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  opened_at: Date | null;
  answered_at: Date | null;
  expired_at: Date | null;
  failed_at: Date | null;
  survey_version: number;
  created_at: Date;
};
export const HISTORIC_INVITATION_COLUMNS = {
  contact_event_id: 'uuid',
  survey_id: 'uuid',
  borrower_id: 'uuid',
  channel: 'text',
  locale: 'text',
  token_hash: 'bytea',
  status: 'text',
  send_at: 'timestamptz',
  expires_at: 'timestamptz',
  sent_at: 'timestamptz',
  delivered_at: 'timestamptz',
  opened_at: 'timestamptz',
  answered_at: 'timestamptz',
  expired_at: 'timestamptz',
  failed_at: 'timestamptz',
  survey_version: 'int',
  created_at: 'timestamptz',
} as const;

export type HistoricResponse = {
  invitation_id: string;
  survey_id: string;
  borrower_id: string;
  touchpoint: string;
  channel: string;
  product: string;
  locale: string;
  answers: string;
  score: number;
  low: boolean;
  comment: string | null;
  tags: string;
  submitted_at: Date;
};
export const HISTORIC_RESPONSE_COLUMNS = {
  invitation_id: 'uuid',
  survey_id: 'uuid',
  borrower_id: 'uuid',
  touchpoint: 'text',
  channel: 'text',
  product: 'text',
  locale: 'text',
  answers: 'text',
  score: 'numeric',
  low: 'boolean',
  comment: 'text',
  tags: 'text',
  submitted_at: 'timestamptz',
} as const;

export interface HistoricBorrower {
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  locale: string;
  timeZone: string;
}

@Injectable()
export class SurveyHistory {
  /** Whether any contact was ever recorded (a history is written into an empty one only). */
  async hasContacts(manager: EntityManager): Promise<boolean> {
    return (await manager.query(`SELECT 1 FROM contact_event LIMIT 1`)).length > 0;
  }

  /** Borrowers known since `since`; their ids in the order given. */
  async insertBorrowers(
    manager: EntityManager,
    borrowers: HistoricBorrower[],
    since: Date,
  ): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO borrower (external_id, name, phone, email, locale, time_zone, created_at, updated_at)
       SELECT *, $7::timestamptz, $7::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       RETURNING id`,
      [
        borrowers.map((b) => b.externalId),
        borrowers.map((b) => b.name),
        borrowers.map((b) => b.phone),
        borrowers.map((b) => b.email),
        borrowers.map((b) => b.locale),
        borrowers.map((b) => b.timeZone),
        since,
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Contact events, received when they occurred; their ids in the order given. */
  insertContactEvents(manager: EntityManager, events: Rows<HistoricEvent>): Promise<string[]> {
    return insertedIds(
      manager,
      (params) =>
        `INSERT INTO contact_event (${events.columns}, outcome, received_at)
         SELECT x.*, '{"history":true}'::json, x.occurred_at FROM ${events.unnest(params, 'x')} RETURNING id`,
    );
  }

  /** Invitations in their final state (a failed one after three attempts). */
  insertInvitations(manager: EntityManager, invitations: Rows<HistoricInvitation>): Promise<string[]> {
    return insertedIds(
      manager,
      (params) =>
        `INSERT INTO invitation (${invitations.columns}, attempts, last_error)
         SELECT x.*, CASE WHEN x.status = 'failed' THEN 3 ELSE 1 END, CASE WHEN x.status = 'failed' THEN 'permanent: invalid number' END
           FROM ${invitations.unnest(params, 'x')} RETURNING id`,
    );
  }

  /** Answers, each through the channel of its invitation. */
  insertResponses(manager: EntityManager, responses: Rows<HistoricResponse>): Promise<string[]> {
    return insertedIds(
      manager,
      (params) =>
        `INSERT INTO response (invitation_id, survey_id, borrower_id, touchpoint, channel, product, locale, answers, score, low, comment, tags, source, submitted_at)
         SELECT x.invitation_id, x.survey_id, x.borrower_id, x.touchpoint, x.channel, x.product, x.locale, x.answers::jsonb, x.score, x.low,
                x.comment, ARRAY(SELECT jsonb_array_elements_text(x.tags::jsonb)),
                CASE WHEN x.channel = 'sms' THEN 'sms' WHEN x.channel = 'in_app' THEN 'in_app' ELSE 'web' END, x.submitted_at
           FROM ${responses.unnest(params, 'x')} RETURNING id`,
    );
  }
}

async function insertedIds(manager: EntityManager, sql: (params: unknown[]) => string): Promise<string[]> {
  const params: unknown[] = [];
  return ((await manager.query(sql(params), params)) as { id: string }[]).map((r) => r.id);
}
