import type { MemberRole } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';

/** Who is making a request: a user through a console session, or an API key. Always bound to one workspace. */
export interface Principal {
  workspaceId: string;
  role: MemberRole;
  kind: 'session' | 'api_key';
  userId: string | null;
  apiKeyId: string | null;
  /** Set for session principals; checked against the X-CSRF-Token header on state-changing requests. */
  csrfToken: string | null;
}

/** What each role may do. Owners and admins manage settings; agents work conversations; analysts read. */
export type Permission = 'read' | 'converse' | 'manage';

const GRANTS: Record<MemberRole, readonly Permission[]> = {
  owner: ['read', 'converse', 'manage'],
  admin: ['read', 'converse', 'manage'],
  agent: ['read', 'converse'],
  analyst: ['read'],
};

/** Throws `forbidden` unless the principal's role grants `permission`. */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (!GRANTS[principal.role].includes(permission)) {
    throw new AppError('forbidden', `The ${principal.role} role cannot ${permission}`);
  }
}
