import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SweepOverdueTasks } from '@app/callbacks';

/** The first-contact SLA sweep, every minute (one worker at a time: an advisory lock inside). */
@Injectable()
export class SlaJob {
  private readonly logger = new Logger(SlaJob.name);
  private running = false;

  constructor(private readonly sweep: SweepOverdueTasks) {}

  @Interval(60_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const escalated = await this.sweep.execute();
      if (escalated) this.logger.log({ escalated }, 'overdue callback tasks escalated');
    } catch (error) {
      const e = error as { name?: string; code?: string };
      this.logger.error({ err: { name: e?.name, code: e?.code } }, 'SLA sweep failed');
    } finally {
      this.running = false;
    }
  }
}
