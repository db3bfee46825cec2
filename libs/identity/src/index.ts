// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { ApiKeyService } from './api-key.service';
export type { ApiKeyPrincipal } from './api-key.service';
export { IdentityModule } from './identity.module';
export { API_SCOPES } from './scopes';
export type { ApiScope } from './scopes';
export { PAIR_FAILURES, StaffSessions } from './staff-sessions.service';
export type { StaffSession } from './staff-sessions.service';
export { StaffUserService } from './staff-user.service';
