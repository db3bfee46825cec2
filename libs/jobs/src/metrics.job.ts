import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { RefreshMetricRollups } from '@app/analytics';
import { SerialJob } from './serial-job';

/** Keeps the metric rollups within a minute of the responses (one refresher at a time across workers). */
@Injectable()
export class MetricsJob implements OnApplicationShutdown {
  readonly job = new SerialJob(MetricsJob.name, async () => {
    await this.refresh.execute();
  });

  constructor(private readonly refresh: RefreshMetricRollups) {}

  @Interval(30_000)
  tick(): void {
    this.job.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
