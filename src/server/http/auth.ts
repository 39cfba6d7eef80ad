import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';
import { safeEqual, sha256Hex } from '../lib/crypto.ts';
import { authenticateApiKey } from '../modules/api-keys/api-keys.service.ts';
import type { Principal } from '../modules/auth/principal.rules.ts';
import { AppError } from '../lib/app-error.ts';

export const SESSION_COOKIE = 'tsunagi_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Reads a cookie value from the Cookie header (no plugin needed for one cookie). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** Resolves the request's principal from `Authorization: Bearer <api key>` or the session cookie. */
export async function resolvePrincipal(db: Db, clock: Clock, req: FastifyRequest): Promise<Principal | null> {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) {
    const principal = await authenticateApiKey(db, clock, auth.slice(7).trim());
    if (!principal) throw new AppError('unauthenticated', 'Invalid, expired or revoked API key');
    return principal;
  }
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!token) return null;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('memberships', (j) =>
      j
        .onRef('memberships.user_id', '=', 'sessions.user_id')
        .onRef('memberships.workspace_id', '=', 'sessions.workspace_id'),
    )
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.user_id', 'sessions.workspace_id', 'sessions.csrf_token', 'memberships.role'])
    .where('sessions.token_hash', '=', sha256Hex(token))
    .where('sessions.expires_at', '>', clock.now())
    .where('users.deactivated_at', 'is', null)
    .where('memberships.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    workspaceId: row.workspace_id,
    role: row.role,
    kind: 'session',
    userId: row.user_id,
    apiKeyId: null,
    csrfToken: row.csrf_token,
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Requires an authenticated principal; for cookie sessions on state-changing methods, also a matching
 * `X-CSRF-Token` header (the token is returned at login; compared in constant time).
 */
export function requireAuth(req: FastifyRequest, _reply: FastifyReply): Principal {
  const principal = req.principal;
  if (!principal) throw new AppError('unauthenticated', 'Sign in or send Authorization: Bearer <api key>');
  if (principal.kind === 'session' && !SAFE_METHODS.has(req.method)) {
    if (!safeEqual(req.headers['x-csrf-token'], principal.csrfToken)) {
      throw new AppError('csrf_failed', 'Missing or invalid X-CSRF-Token header');
    }
  }
  return principal;
}
