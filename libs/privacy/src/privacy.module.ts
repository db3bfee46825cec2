import { Module } from '@nestjs/common';
import { CallbacksModule } from '@app/callbacks';
import { MessagingModule } from '@app/messaging';
import { SurveysModule } from '@app/surveys';
import { AnonymiseExpiredBorrowers } from './anonymise-expired-borrowers.use-case';

@Module({
  imports: [SurveysModule, CallbacksModule, MessagingModule],
  providers: [AnonymiseExpiredBorrowers],
  exports: [AnonymiseExpiredBorrowers],
})
export class PrivacyModule {}
