import { EditContactPolicy } from './edit-contact-policy.use-case';
import { Module } from '@nestjs/common';
import { CallbacksModule } from '@app/callbacks';
import { WebhooksModule } from '@app/webhooks';
import { InvitationQueries } from './invitation-query.service';
import { BorrowerDirectory } from './borrower-directory.repository';
import { SurveyHistory } from './survey-history.repository';
import { BorrowerPersonalData } from './borrower-personal-data.repository';
import { InvitationLifecycle } from './invitation-lifecycle.repository';
import { OptOutService } from './opt-out.service';
import { RecordContactEvents } from './record-contact-events.use-case';
import { RecordResponse } from './record-response.use-case';
import { ReviseSurvey } from './revise-survey.use-case';
import { SurveyCatalog } from './survey-catalog.service';
import { UpdateComment } from './update-comment.use-case';
import { CommentKeywords } from './comment-keywords.repository';
import { CampaignInvitations } from './campaign-invitations.repository';
import { CreateProgramme } from './create-programme.use-case';

const PROVIDERS = [
  SurveyCatalog,
  EditContactPolicy,
  RecordContactEvents,
  InvitationQueries,
  OptOutService,
  InvitationLifecycle,
  BorrowerPersonalData,
  BorrowerDirectory,
  SurveyHistory,
  ReviseSurvey,
  RecordResponse,
  UpdateComment,
  CommentKeywords,
  CampaignInvitations,
  CreateProgramme,
];

@Module({ imports: [CallbacksModule, WebhooksModule], providers: PROVIDERS, exports: PROVIDERS })
export class SurveysModule {}
