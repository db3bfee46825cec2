/** Who is acting: passed explicitly into every use case, never read from a request. */
export type Actor =
  | { type: 'staff'; id: string; role: StaffRole }
  | { type: 'api_key'; id: string; scopes: readonly string[] }
  | { type: 'system'; id: string }
  | { type: 'borrower'; id: string };

export type StaffRole = 'agent' | 'expert' | 'compliance' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = ['agent', 'expert', 'compliance', 'admin'];

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'resonance' };
