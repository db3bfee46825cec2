import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

export interface DatabaseOptions {
  url: string;
  /** Shown in pg_stat_activity: which process holds a connection. */
  applicationName: string;
  poolSize?: number;
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.url,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          logging: false,
          extra: {
            max: options.poolSize ?? 10,
            application_name: options.applicationName,
            connectionTimeoutMillis: 10_000,
          },
        }),
      ],
    };
  }
}
