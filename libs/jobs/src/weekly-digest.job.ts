import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SendWeeklyDigests } from '@app/analytics';
import { SerialJob } from './serial-job';

/** The Monday email of the week's figures: checked every five minutes, sent once a week per subscriber. */
@Injectable()
export class WeeklyDigestJob implements OnApplicationShutdown {
  private readonly logger = new Logger(WeeklyDigestJob.name);
  readonly job = new SerialJob(WeeklyDigestJob.name, async () => {
    const queued = await this.digests.execute();
    if (queued) this.logger.log({ queued }, 'weekly digests queued');
  });

  constructor(private readonly digests: SendWeeklyDigests) {}

  @Interval(5 * 60_000)
  tick(): void {
    this.job.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
