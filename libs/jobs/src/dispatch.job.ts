import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DispatchInvitations, ExpireInvitations, SendQueuedMessages } from '@app/messaging';
import { INVITATION_DUE_CHANNEL } from '@app/surveys';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SerialJob } from './serial-job';

const TICK_MS = 5_000;
const EXPIRY_EVERY_MS = 60_000;
const RECONNECT_MS = 2_000;

/**
 * Sends what is due: woken at once by LISTEN/NOTIFY when an event schedules an invitation for now,
 * and by a periodic tick for everything else (scheduled sends, retries, reminders, expiry).
 */
@Injectable()
export class DispatchJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener: Client | null = null;
  private stopped = false;
  private lastExpiry = 0;
  readonly job = new SerialJob(DispatchJob.name, (isStopping) => this.pass(isStopping));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly dispatch: DispatchInvitations,
    private readonly expire: ExpireInvitations,
    private readonly queued: SendQueuedMessages,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.job.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
    await this.job.stop();
  }

  @Interval(TICK_MS)
  tick(): void {
    this.job.wake();
  }

  private async pass(isStopping: () => boolean): Promise<void> {
    for (;;) {
      const report = await this.dispatch.dispatchDue();
      if (report.claimed === 0 || isStopping()) break;
    }
    if (!isStopping()) await this.dispatch.sendReminders();
    if (!isStopping()) await this.queued.execute();
    if (Date.now() - this.lastExpiry > EXPIRY_EVERY_MS && !isStopping()) {
      this.lastExpiry = Date.now();
      await this.expire.execute();
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const url = (this.db.options as { url?: string }).url;
    const client = new Client({ connectionString: url, application_name: 'resonance-worker-listen' });
    client.on('notification', () => this.job.wake());
    client.on('error', () => {
      this.listener = null;
      setTimeout(() => void this.listen().catch(() => undefined), RECONNECT_MS).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${INVITATION_DUE_CHANNEL}`);
      this.listener = client;
    } catch {
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), RECONNECT_MS).unref();
    }
  }
}
