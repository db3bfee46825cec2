import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DeliverWebhooks } from '@app/webhooks';
import { SerialJob } from './serial-job';

/** Delivers due webhooks every few seconds; a full batch is followed at once by the next. */
@Injectable()
export class WebhookJob implements OnApplicationShutdown {
  readonly job = new SerialJob(WebhookJob.name, async (isStopping) => {
    while (!isStopping() && (await this.deliver.execute()).claimed > 0);
  });

  constructor(private readonly deliver: DeliverWebhooks) {}

  @Interval(3_000)
  tick(): void {
    this.job.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
