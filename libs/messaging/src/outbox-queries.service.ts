import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUuid, NotFoundException, decodeCursor, encodeCursor } from '@app/core';
import { DataSource } from 'typeorm';

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'email';
  purpose: string;
  recipient: string;
  subject: string | null;
  bodyText: string;
  status: string;
  createdAt: string;
  sentAt: string | null;
  invitationStatus: string | null;
}

/**
 * What the outbox transports "sent", newest first: the demo's inbox, so a newcomer can open the survey
 * links of emails and answer SMS surveys without a phone.
 */
@Injectable()
export class OutboxQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(cursor?: string, limit = 25): Promise<{ items: OutboxMessage[]; nextCursor: string | null }> {
    const after = decodeCursor(cursor, ['timestamp', 'uuid']);
    const params: unknown[] = [limit + 1];
    const where = ["m.transport = 'outbox'"];
    if (after)
      where.push(
        `(m.created_at, m.id) < ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`,
      );
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT m.id, m.channel, m.purpose, m.recipient, m.subject, m.body_text, m.status, m.created_at, m.sent_at,
              m.created_at::text AS created_key, i.status AS invitation_status
         FROM message m LEFT JOIN invitation i ON i.id = m.invitation_id
        WHERE ${where.join(' AND ')} ORDER BY m.created_at DESC, m.id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1]! : null;
    return {
      items: page.map((m) => ({
        id: m.id as string,
        channel: m.channel as 'sms' | 'email',
        purpose: m.purpose as string,
        recipient: m.recipient as string,
        subject: (m.subject as string | null) ?? null,
        bodyText: m.body_text as string,
        status: m.status as string,
        createdAt: (m.created_at as Date).toISOString(),
        sentAt: (m.sent_at as Date | null)?.toISOString() ?? null,
        invitationStatus: (m.invitation_status as string | null) ?? null,
      })),
      nextCursor: last ? encodeCursor([last.created_key as string, last.id as string]) : null,
    };
  }

  /** The phone number an outbox SMS went to, for answering it from the console as the borrower would. */
  async smsRecipient(id: string): Promise<string> {
    if (!isUuid(id)) throw new NotFoundException('The outbox message');
    const rows: { recipient: string }[] = await this.db.query(
      `SELECT recipient FROM message WHERE id = $1 AND transport = 'outbox' AND channel = 'sms'`,
      [id],
    );
    if (!rows[0]) throw new NotFoundException('The outbox message');
    return rows[0].recipient;
  }
}
