import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { RefreshMetricRollups } from '@app/analytics';

/** Keeps the metric rollups within a minute of the responses (one refresher at a time across workers). */
@Injectable()
export class MetricsJob {
  private readonly logger = new Logger(MetricsJob.name);
  private running = false;

  constructor(private readonly refresh: RefreshMetricRollups) {}

  @Interval(30_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.refresh.execute();
    } catch (error) {
      const e = error as { name?: string; code?: string };
      this.logger.error({ err: { name: e?.name, code: e?.code } }, 'metric rollup refresh failed');
    } finally {
      this.running = false;
    }
  }
}
