export const API_SCOPES = [
  'events:write',
  'surveys:in_app',
  'tasks:read',
  'complaints:read',
  'complaints:write',
  'complaints:export',
  'campaigns:write',
  'metrics:read',
  'responses:read',
  'counts:write',
] as const;

export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}
