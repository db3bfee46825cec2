import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { DemoDataService } from './demo-data.service';

@Module({
  imports: [IdentityModule],
  providers: [DemoDataService],
  exports: [DemoDataService],
})
export class DemoModule {}
