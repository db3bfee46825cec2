import { Module } from '@nestjs/common';
import { InvitationQueries } from './invitation-query.service';
import { RecordContactEvents } from './record-contact-events.use-case';
import { SurveyCatalog } from './survey-catalog.service';

@Module({
  providers: [SurveyCatalog, RecordContactEvents, InvitationQueries],
  exports: [SurveyCatalog, RecordContactEvents, InvitationQueries],
})
export class SurveysModule {}
