export * from './anonymise-expired-borrowers.use-case';
export * from './privacy.module';
