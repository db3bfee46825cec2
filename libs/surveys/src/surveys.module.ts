import { Module } from '@nestjs/common';
import { InvitationQueries } from './invitation-query.service';
import { OptOutService } from './opt-out.service';
import { RecordContactEvents } from './record-contact-events.use-case';
import { ReviseSurvey } from './revise-survey.use-case';
import { SurveyCatalog } from './survey-catalog.service';

@Module({
  providers: [SurveyCatalog, RecordContactEvents, InvitationQueries, OptOutService, ReviseSurvey],
  exports: [SurveyCatalog, RecordContactEvents, InvitationQueries, OptOutService, ReviseSurvey],
})
export class SurveysModule {}
