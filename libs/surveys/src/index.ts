export * from './contact-policy';
export * from './invitation-query.service';
export * from './invitation-token';
export * from './opt-out.service';
export * from './record-contact-events.use-case';
export * from './survey-catalog.service';
export * from './survey.model';
export * from './surveys.module';
