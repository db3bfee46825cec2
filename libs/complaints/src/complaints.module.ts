import { Module } from '@nestjs/common';
import { WebhooksModule } from '@app/webhooks';
import { ComplaintWorkflow } from './complaint-workflow.service';

@Module({ imports: [WebhooksModule], providers: [ComplaintWorkflow], exports: [ComplaintWorkflow] })
export class ComplaintsModule {}
