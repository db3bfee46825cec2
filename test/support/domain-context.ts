import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuditModule } from '@app/audit';
import { CalendarModule } from '@app/calendar';
import { ConfigModule, loadConfig } from '@app/config';
import { Clock } from '@app/core';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { SurveysModule } from '@app/surveys';
import { CallbacksModule } from '@app/callbacks';
import { ComplaintsModule } from '@app/complaints';
import { IdentityModule } from '@app/identity';
import { AnalyticsModule } from '@app/analytics';
import { DemoModule } from '@app/demo';
import { PrivacyModule } from '@app/privacy';
import { TEST_APP_SECRET } from './api-app';

/** The domain libraries wired as a worker wires them (no HTTP), on a given database. */
export async function domainContext(
  databaseUrl: string,
  clock: Clock,
  env: Record<string, string> = {},
): Promise<INestApplicationContext> {
  const config = loadConfig(
    { DATABASE_URL: databaseUrl, APP_SECRET: TEST_APP_SECRET, LOG_LEVEL: 'silent', ...env },
    { standalone: false },
  );
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config, clock),
      DatabaseModule.forRoot({ url: databaseUrl, applicationName: 'test-worker', poolSize: 4 }),
      AuditModule,
      CalendarModule,
      SurveysModule,
      MessagingModule,
      CallbacksModule,
      ComplaintsModule,
      IdentityModule,
      AnalyticsModule,
      DemoModule,
      PrivacyModule,
    ],
  }).compile();
  return moduleRef.init();
}
