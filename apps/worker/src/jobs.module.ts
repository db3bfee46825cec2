import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

/**
 * The worker's ticks, which call the domain's use cases. Hosted by the worker process, or by the API
 * process itself when RUN_WORKER is on (`npm start`), so both share one connection pool.
 */
@Module({
  imports: [ScheduleModule.forRoot()],
})
export class WorkerJobsModule {}
