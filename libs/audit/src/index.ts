// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { STAFF_ROLES, SYSTEM_ACTOR } from './actor';
export type { Actor, StaffRole } from './actor';
export { AuditQueries } from './audit-queries.service';
export type { AuditRecord } from './audit-queries.service';
export { AuditModule } from './audit.module';
export { AuditService } from './audit.service';
export { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from './audit-actions';
export type { AuditAction, AuditEntityType } from './audit-actions';
