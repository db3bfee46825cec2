import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AnonymiseExpiredBorrowers } from '@app/privacy';

/** Retention, hourly: anonymises expired borrowers in batches until none is left (one sweeper at a time). */
@Injectable()
export class RetentionJob {
  private readonly logger = new Logger(RetentionJob.name);
  private running = false;

  constructor(private readonly anonymise: AnonymiseExpiredBorrowers) {}

  @Interval(3_600_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let total = 0;
      for (let batch = await this.anonymise.execute(); batch; batch = await this.anonymise.execute())
        total += batch;
      if (total) this.logger.log({ borrowers: total }, 'expired borrowers anonymised');
    } catch (error) {
      const e = error as { name?: string; code?: string };
      this.logger.error({ err: { name: e?.name, code: e?.code } }, 'retention sweep failed');
    } finally {
      this.running = false;
    }
  }
}
