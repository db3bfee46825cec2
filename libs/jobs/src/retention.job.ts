import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AnonymiseExpiredBorrowers } from '@app/privacy';
import { SerialJob } from './serial-job';

/** Retention, hourly: anonymises expired borrowers in batches until none is left (one sweeper at a time). */
@Injectable()
export class RetentionJob implements OnApplicationShutdown {
  private readonly logger = new Logger(RetentionJob.name);
  readonly job = new SerialJob(RetentionJob.name, async (isStopping) => {
    let total = 0;
    for (
      let batch = await this.anonymise.execute();
      batch && !isStopping();
      batch = await this.anonymise.execute()
    )
      total += batch;
    if (total) this.logger.log({ borrowers: total }, 'expired borrowers anonymised');
  });

  constructor(private readonly anonymise: AnonymiseExpiredBorrowers) {}

  @Interval(3_600_000)
  tick(): void {
    this.job.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
