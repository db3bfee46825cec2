// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { AnonymiseExpiredBorrowers } from './anonymise-expired-borrowers.use-case';
export { PrivacyModule } from './privacy.module';
