import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, MemberRole } from '../../db/types.ts';
import { AppError } from '../../http/errors.ts';
import { randomToken, sha256Hex, verifyPassword } from '../../lib/crypto.ts';
import { SESSION_TTL_MS, loginLockedUntil } from './auth.rules.ts';

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string; locale: string | null };
  workspace: { id: string; name: string; role: MemberRole };
  workspaces: Array<{ id: string; name: string; role: MemberRole }>;
}

/**
 * Email/password sign-in. Every attempt is recorded; after repeated failures the email is locked for a while
 * (429 `login_locked`), whether or not the account exists, so the endpoint does not reveal which emails exist.
 */
export async function login(
  db: Db,
  clock: Clock,
  input: { email: string; password: string; workspaceId?: string },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const now = clock.now();
  const attempts = await db
    .selectFrom('login_attempts')
    .select(['attempted_at as at', 'succeeded'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .where('attempted_at', '>', new Date(now.getTime() - 60 * 60_000))
    .orderBy('attempted_at', 'desc')
    .limit(50)
    .execute();
  const lockedUntil = loginLockedUntil(attempts, now);
  if (lockedUntil) {
    throw new AppError('login_locked', 'Too many failed sign-in attempts; try again later', {
      retryAfterSeconds: Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000),
    });
  }
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .where('deactivated_at', 'is', null)
    .executeTakeFirst();
  const ok = user ? await verifyPassword(input.password, user.password_hash) : false;
  await db.insertInto('login_attempts').values({ email, attempted_at: now, succeeded: ok }).execute();
  if (!user || !ok) throw new AppError('invalid_credentials', 'Email or password is incorrect');

  return openSession(db, clock, user, input.workspaceId);
}

/**
 * Opens a session for a user in one of their workspaces (the requested one, else the first they joined): a
 * random token (only its hash is stored) and a CSRF token. Used by sign-in, workspace switching and accepting
 * an invitation.
 */
export async function openSession(
  db: DbOrTx,
  clock: Clock,
  user: { id: string; email: string; name: string; locale: string | null },
  workspaceId?: string,
  opts: { strict?: boolean } = {},
): Promise<LoginResult> {
  const now = clock.now();
  const workspaces = await db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['workspaces.id', 'workspaces.name', 'memberships.role'])
    .where('memberships.user_id', '=', user.id)
    .orderBy('memberships.created_at')
    .execute();
  // Sign-in falls back to the first workspace; switching (`strict`) must land in the one asked for.
  const workspace = workspaces.find((w) => w.id === workspaceId) ?? (opts.strict ? undefined : workspaces[0]);
  if (!workspace) throw new AppError('forbidden', 'This user is not a member of that workspace');
  const token = randomToken('', 32);
  const csrfToken = randomToken('', 24);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db
    .insertInto('sessions')
    .values({
      id: newId(),
      token_hash: sha256Hex(token),
      user_id: user.id,
      workspace_id: workspace.id,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return {
    token,
    csrfToken,
    expiresAt,
    user: { id: user.id, email: user.email, name: user.name, locale: user.locale },
    workspace,
    workspaces,
  };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256Hex(token)).execute();
}
