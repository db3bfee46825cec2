import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { SurveysModule } from '@app/surveys';
import { CampaignRecords } from './campaign-records.repository';
import { RunCampaigns } from './run-campaigns.use-case';

@Module({
  imports: [SurveysModule, AuditModule],
  providers: [CampaignRecords, RunCampaigns],
  exports: [RunCampaigns],
})
export class CampaignsModule {}
