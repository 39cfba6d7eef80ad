import type { MemberRole } from '../../db/types.ts';

/**
 * Who may do what with API keys. Pure: no I/O, `now` passed in.
 *
 * - Owners and admins manage keys (list, create, rotate, revoke); agents and analysts cannot.
 * - Nobody mints, rotates or revokes a key whose role is above their own: rotating hands out the new secret, so
 *   an admin who could rotate an owner key would become an owner.
 * - An API key manages keys only when it is an owner key: a leaked admin key must not be able to mint more
 *   keys and so outlive its own revocation. Admin users manage keys from the console.
 * - The operator (the `tsunagi keys` CLI, which has the database) may do anything.
 */

/** Who is acting on keys: a console user, an API key, or the operator at the command line. */
export interface KeyActor {
  kind: 'session' | 'api_key' | 'operator';
  role: MemberRole;
  userId: string | null;
  apiKeyId: string | null;
  /** Where the request came from (client address, user agent), for the audit log; absent for the operator. */
  origin?: { ip: string | null; userAgent: string | null };
}

/** Roles from most to least powerful: each grants everything the ones after it do. */
const RANK: Record<MemberRole, number> = { owner: 4, admin: 3, agent: 2, analyst: 1 };

/** True when `role` grants no more than `ceiling`. */
export function roleWithin(role: MemberRole, ceiling: MemberRole): boolean {
  return RANK[role] <= RANK[ceiling];
}

/** Why `actor` may not manage keys at all, or null when they may. */
export function keyManagementRefusal(actor: KeyActor): string | null {
  if (actor.kind === 'operator') return null;
  if (actor.role !== 'owner' && actor.role !== 'admin')
    return `The ${actor.role} role cannot manage API keys`;
  if (actor.kind === 'api_key' && actor.role !== 'owner')
    return 'Only an owner API key can manage API keys (admins can in the console)';
  return null;
}

/** Why `actor` may not create, rotate or revoke a key of `role`, or null when they may. */
export function keyRoleRefusal(actor: KeyActor, role: MemberRole): string | null {
  if (actor.kind === 'operator' || roleWithin(role, actor.role)) return null;
  return `An ${actor.role} cannot manage a key with the ${role} role (above their own)`;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** A key's state at `now`: revoked wins over expired; a key expires at the instant `expiresAt`. */
export function apiKeyStatus(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Why an expiry is unacceptable at `now` (it must lie in the future), or null. */
export function expiryRefusal(expiresAt: Date, now: Date): string | null {
  if (Number.isNaN(expiresAt.getTime())) return 'expiresAt is not a valid time';
  if (expiresAt.getTime() <= now.getTime()) return 'expiresAt must be in the future';
  return null;
}
