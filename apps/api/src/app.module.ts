import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule } from '@app/config';
import { Clock, LoggingModule, TemplatesModule } from '@app/core';
import { DatabaseModule } from '@app/database';
import { DemoModule } from '@app/demo';
import { IdentityModule } from '@app/identity';
import { CalendarModule } from '@app/calendar';
import { SurveysModule } from '@app/surveys';
import { MessagingModule } from '@app/messaging';
import { CallbacksModule } from '@app/callbacks';
import { ComplaintsModule } from '@app/complaints';
import { AnalyticsModule } from '@app/analytics';
import { WebhooksModule } from '@app/webhooks';
import { CampaignsModule } from '@app/campaigns';
import { ApiKeyController } from './auth/api-key.controller';
import { ContactEventsController } from './contact-events/contact-events.controller';
import { InvitationsController } from './invitations/invitations.controller';
import { UnsubscribeController } from './public/unsubscribe.controller';
import { SurveyPageController } from './public/survey-page.controller';
import { PublicRateLimits } from './http/public-rate-limits.service';
import { PageRenderer } from './public/page-renderer.service';
import { FaviconController } from './public/favicon.controller';
import { CallbackTasksController } from './callbacks/callback-tasks.controller';
import { ComplaintIntakeController } from './complaints/complaint-intake.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { ComplaintsController } from './complaints/complaints.controller';
import { RegisterController } from './complaints/register.controller';
import { TwilioWebhooksController } from './webhooks/twilio-webhooks.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { KeyOrSessionGuard } from './auth/key-or-session.guard';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './console';
import { CountsController } from './metrics/counts.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ResponsesController } from './responses/responses.controller';
import { ResponsesExportController } from './responses/responses-export.controller';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { PrometheusController } from './observability/prometheus.controller';
import { PrometheusService } from './observability/prometheus.service';

export interface ApiOptions {
  config: AppConfig;
  databaseUrl: string;
  clock?: Clock;
  /** Extra modules (tests mount probe controllers here). */
  imports?: DynamicModule['imports'];
  /** Where logs go (stdout by default; tests read them). */
  logDestination?: NodeJS.WritableStream;
}

@Module({})
export class AppModule {
  static register(options: ApiOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config, options.clock),
        LoggingModule.forRoot({
          level: options.config.logLevel,
          http: true,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: 'resonance-api' }),
        TemplatesModule,
        AuditModule,
        IdentityModule,
        DemoModule,
        CalendarModule,
        SurveysModule,
        CampaignsModule,
        MessagingModule,
        CallbacksModule,
        ComplaintsModule,
        AnalyticsModule,
        WebhooksModule,
        ...(options.imports ?? []),
      ],
      controllers: [
        HealthController,
        PrometheusController,
        ApiKeyController,
        ContactEventsController,
        InvitationsController,
        TwilioWebhooksController,
        UnsubscribeController,
        SurveyPageController,
        FaviconController,
        CallbackTasksController,
        RegisterController,
        ComplaintsController,
        ComplaintIntakeController,
        CampaignsController,
        MetricsController,
        CountsController,
        ResponsesController,
        ResponsesExportController,
        ...CONSOLE_CONTROLLERS,
      ],
      providers: [
        PrometheusService,
        ApiKeyGuard,
        KeyOrSessionGuard,
        PageRenderer,
        PublicRateLimits,
        ...CONSOLE_PROVIDERS,
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [IdentityModule, ApiKeyGuard],
    };
  }
}
