import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule } from '@app/config';
import { LoggingModule } from '@app/core';
import { DatabaseModule } from '@app/database';
import { IdentityModule } from '@app/identity';
import { WebhooksModule } from '@app/webhooks';
import { ComplaintsModule } from '@app/complaints';
import { CalendarModule } from '@app/calendar';
import { AnalyticsModule } from '@app/analytics';
import { PrivacyModule } from '@app/privacy';
import { CampaignsModule } from '@app/campaigns';

@Module({})
export class CliModule {
  static register(options: { config: AppConfig; databaseUrl: string }): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(options.config),
        // stdout carries the command's output (a secret on the last line); logs go to stderr.
        LoggingModule.forRoot({ level: 'warn', http: false, destination: process.stderr }),
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: 'resonance-cli', poolSize: 2 }),
        AuditModule,
        IdentityModule,
        WebhooksModule,
        CalendarModule,
        ComplaintsModule,
        AnalyticsModule,
        PrivacyModule,
        CampaignsModule,
      ],
    };
  }
}
