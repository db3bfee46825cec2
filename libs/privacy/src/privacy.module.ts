import { Module } from '@nestjs/common';
import { AnonymiseExpiredBorrowers } from './anonymise-expired-borrowers.use-case';

@Module({ providers: [AnonymiseExpiredBorrowers], exports: [AnonymiseExpiredBorrowers] })
export class PrivacyModule {}
