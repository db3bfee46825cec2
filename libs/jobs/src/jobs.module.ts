import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CalendarModule } from '@app/calendar';
import { MessagingModule } from '@app/messaging';
import { WebhooksModule } from '@app/webhooks';
import { CallbacksModule } from '@app/callbacks';
import { AnalyticsModule } from '@app/analytics';
import { PrivacyModule } from '@app/privacy';
import { ComplaintsModule } from '@app/complaints';
import { DispatchJob } from './dispatch.job';
import { WebhookJob } from './webhook.job';
import { SlaJob } from './sla.job';
import { MetricsJob } from './metrics.job';
import { RetentionJob } from './retention.job';
import { DeadlineDigestJob } from './deadline-digest.job';
import { WeeklyDigestJob } from './weekly-digest.job';

/**
 * The worker's ticks, which call the domain's use cases. Hosted by the worker process, or by the API
 * process itself when RUN_WORKER is on (`npm start`), so both share one connection pool. Each job is a
 * `SerialJob`: no pass overlaps another of the same job, and shutdown waits for the pass in flight.
 */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    CalendarModule,
    MessagingModule,
    WebhooksModule,
    CallbacksModule,
    AnalyticsModule,
    PrivacyModule,
    ComplaintsModule,
  ],
  providers: [DispatchJob, WebhookJob, SlaJob, MetricsJob, RetentionJob, DeadlineDigestJob, WeeklyDigestJob],
})
export class JobsModule {}
