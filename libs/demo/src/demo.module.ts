import { Module } from '@nestjs/common';
import { AnalyticsModule } from '@app/analytics';
import { IdentityModule } from '@app/identity';
import { DemoDataService } from './demo-data.service';
import { DemoHistoryService } from './demo-history.service';

@Module({
  imports: [IdentityModule, AnalyticsModule],
  providers: [DemoDataService, DemoHistoryService],
  exports: [DemoDataService, DemoHistoryService],
})
export class DemoModule {}
