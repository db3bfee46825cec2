import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SweepOverdueTasks } from '@app/callbacks';
import { SerialJob } from './serial-job';

/** The first-contact SLA sweep, every minute (one worker at a time: an advisory lock inside). */
@Injectable()
export class SlaJob implements OnApplicationShutdown {
  private readonly logger = new Logger(SlaJob.name);
  readonly job = new SerialJob(SlaJob.name, async () => {
    const escalated = await this.sweep.execute();
    if (escalated) this.logger.log({ escalated }, 'overdue callback tasks escalated');
  });

  constructor(private readonly sweep: SweepOverdueTasks) {}

  @Interval(60_000)
  tick(): void {
    this.job.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
