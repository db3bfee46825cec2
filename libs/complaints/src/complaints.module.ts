import { Module } from '@nestjs/common';
import { WebhooksModule } from '@app/webhooks';
import { ComplaintQueries } from './complaint-queries.service';
import { ComplaintWorkflow } from './complaint-workflow.service';
import { RegisterExport } from './register-export.service';

@Module({
  imports: [WebhooksModule],
  providers: [ComplaintWorkflow, ComplaintQueries, RegisterExport],
  exports: [ComplaintWorkflow, ComplaintQueries, RegisterExport],
})
export class ComplaintsModule {}
