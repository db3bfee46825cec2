import { Module } from '@nestjs/common';
import { WebhooksModule } from '@app/webhooks';
import { ComplaintQueries } from './complaint-queries.service';
import { ComplaintWorkflow } from './complaint-workflow.service';

@Module({
  imports: [WebhooksModule],
  providers: [ComplaintWorkflow, ComplaintQueries],
  exports: [ComplaintWorkflow, ComplaintQueries],
})
export class ComplaintsModule {}
