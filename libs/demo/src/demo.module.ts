import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { DemoDataService } from './demo-data.service';
import { DemoHistoryService } from './demo-history.service';

@Module({
  imports: [IdentityModule],
  providers: [DemoDataService, DemoHistoryService],
  exports: [DemoDataService, DemoHistoryService],
})
export class DemoModule {}
