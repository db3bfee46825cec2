import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { WebhooksModule } from '@app/webhooks';
import { ComplaintQueries } from './complaint-queries.service';
import { ComplaintWorkflow } from './complaint-workflow.service';
import { RegisterExport } from './register-export.service';

@Module({
  imports: [WebhooksModule, MessagingModule],
  providers: [ComplaintWorkflow, ComplaintQueries, RegisterExport],
  exports: [ComplaintWorkflow, ComplaintQueries, RegisterExport],
})
export class ComplaintsModule {}
