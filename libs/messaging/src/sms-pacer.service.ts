import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { DataSource } from 'typeorm';

/**
 * Paces SMS per sender at SMS_SENDER_MPS across every worker: each send reserves the sender's next
 * free slot in the database (one row per sender) and waits for it. Wall-clock time on purpose: the
 * provider counts real seconds, whatever the domain clock says.
 */
@Injectable()
export class SmsPacer {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Reserves `count` consecutive slots of the sender in one statement and returns their times: the
   * caller sends message i at slots[i]. Workers reserving at once get disjoint slots.
   */
  async reserve(sender: string, count: number): Promise<Date[]> {
    if (count === 0) return [];
    const intervalMs = 1000 / this.config.smsSenderMps;
    const rows: { first: Date }[] = await this.db.query(
      `INSERT INTO sms_sender_pace AS p (sender, next_slot_at) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (sender) DO UPDATE SET next_slot_at = greatest(p.next_slot_at, clock_timestamp()) + $2 * interval '1 millisecond'
       RETURNING next_slot_at - $2 * interval '1 millisecond' AS first`,
      [sender, intervalMs * count],
    );
    const first = rows[0]!.first.getTime();
    return Array.from({ length: count }, (_, i) => new Date(first + i * intervalMs));
  }
}

export function waitUntil(at: Date): Promise<void> {
  const ms = at.getTime() - Date.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
