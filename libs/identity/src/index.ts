export * from './api-key.service';
export * from './identity.module';
export * from './scopes';
export * from './staff-user.service';
export * from './staff-sessions.service';
