import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DeliverWebhooks } from '@app/webhooks';

/** Delivers due webhooks every few seconds; a full batch is followed at once by the next. */
@Injectable()
export class WebhookJob implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookJob.name);
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deliver: DeliverWebhooks) {}

  @Interval(3_000)
  tick(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      while (!this.stopped && (await this.deliver.execute()).claimed > 0);
    })()
      .catch((error: { name?: string; code?: string }) =>
        this.logger.error({ err: { name: error?.name, code: error?.code } }, 'webhook pass failed'),
      )
      .finally(() => (this.running = null));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
