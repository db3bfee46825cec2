import { Module } from '@nestjs/common';
import { TemplatesModule } from '@app/core';
import { ExportsModule } from '@app/exports';
import { MessagingModule } from '@app/messaging';
import { SurveysModule } from '@app/surveys';
import { WebhooksModule } from '@app/webhooks';
import { ComplaintAttachments } from './complaint-attachments.service';
import { ComplaintHistory } from './complaint-history.repository';
import { ComplaintRecords } from './complaint-records.repository';
import { RegisterComplaint } from './register-complaint.use-case';
import { ReviewCriteria } from './review-criteria.service';
import { SendDeadlineDigests } from './send-deadline-digests.use-case';
import { ComplaintQueries } from './complaint-queries.service';
import { ComplaintWorkflow } from './complaint-workflow.service';
import { RegisterExport } from './register-export.service';

@Module({
  imports: [WebhooksModule, MessagingModule, SurveysModule, TemplatesModule, ExportsModule],
  providers: [
    ComplaintRecords,
    ComplaintWorkflow,
    ComplaintQueries,
    RegisterExport,
    RegisterComplaint,
    ReviewCriteria,
    SendDeadlineDigests,
    ComplaintAttachments,
    ComplaintHistory,
  ],
  exports: [
    ComplaintAttachments,
    ComplaintHistory,
    ComplaintWorkflow,
    ComplaintQueries,
    RegisterExport,
    RegisterComplaint,
    ReviewCriteria,
    SendDeadlineDigests,
  ],
})
export class ComplaintsModule {}
