import { Module } from '@nestjs/common';
import { AnalyticsModule } from '@app/analytics';
import { CallbacksModule } from '@app/callbacks';
import { ComplaintsModule } from '@app/complaints';
import { IdentityModule } from '@app/identity';
import { SurveysModule } from '@app/surveys';
import { DemoDataService } from './demo-data.service';
import { DemoHistoryService } from './demo-history.service';

@Module({
  imports: [IdentityModule, AnalyticsModule, SurveysModule, CallbacksModule, ComplaintsModule],
  providers: [DemoDataService, DemoHistoryService],
  exports: [DemoDataService, DemoHistoryService],
})
export class DemoModule {}
