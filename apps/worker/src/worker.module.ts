import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule } from '@app/config';
import { Clock, LoggingModule } from '@app/core';
import { DatabaseModule } from '@app/database';
import { JobsModule } from '@app/jobs';

export interface WorkerOptions {
  config: AppConfig;
  databaseUrl: string;
  clock?: Clock;
}

/** The worker process: no HTTP server, only the jobs. */
@Module({})
export class WorkerModule {
  static register(options: WorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(options.config, options.clock),
        LoggingModule.forRoot({ level: options.config.logLevel, http: false }),
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: 'resonance-worker' }),
        AuditModule,
        JobsModule,
      ],
    };
  }
}
