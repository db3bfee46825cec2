import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SendDeadlineDigests } from '@app/complaints';
import { SerialJob } from './serial-job';

/**
 * The morning deadline emails: checked every five minutes, sent once a working day per person from
 * the lender's morning on (a late-starting worker still sends them that day).
 */
@Injectable()
export class DeadlineDigestJob implements OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineDigestJob.name);
  readonly job = new SerialJob(DeadlineDigestJob.name, async () => {
    const queued = await this.digests.execute();
    if (queued) this.logger.log({ queued }, 'complaint deadline emails queued');
  });

  constructor(private readonly digests: SendDeadlineDigests) {}

  @Interval(5 * 60_000)
  tick(): void {
    this.job.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
