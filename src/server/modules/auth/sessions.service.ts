import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, MemberRole } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { record, recordMany, type AuditActor, type AuditOrigin } from '../audit/audit.service.ts';
import { throttledPasswordCheck, verifyAccountPassword } from './auth-throttle.service.ts';
import { SESSION_TTL_MS } from './auth.rules.ts';

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string; locale: string | null };
  workspace: { id: string; name: string; role: MemberRole };
  workspaces: Array<{ id: string; name: string; role: MemberRole }>;
}

/** What sign-in uses. */
export interface SignInDeps {
  db: Db;
  clock: Clock;
}

/** Looks an account up by e-mail (case-insensitive), deactivated or not. */
export async function findAccountByEmail(db: DbOrTx, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
}

/** The workspaces in which a user is an active member (where their sign-ins and failures are recorded). */
async function activeWorkspaceIds(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', userId)
    .where('deactivated_at', 'is', null)
    .execute();
  return rows.map((r) => r.workspace_id);
}

/**
 * Email/password sign-in. The check is throttled per account, per account and address, and per address
 * (429 `too_many_attempts` with Retry-After), and takes as long for an unknown e-mail as for a known one, so
 * neither the answer nor its timing reveals which e-mails have accounts. A failure for an existing account is
 * recorded in the audit log of each of its workspaces; a success in the workspace signed into.
 */
export async function login(
  deps: SignInDeps,
  input: { email: string; password: string; workspaceId?: string | undefined },
  origin: AuditOrigin,
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const user = await findAccountByEmail(deps.db, email);
  const ok = await throttledPasswordCheck(deps, { email, ip: origin.ip }, () =>
    verifyAccountPassword(user, input.password),
  );
  const workspaceIds = user ? await activeWorkspaceIds(deps.db, user.id) : [];
  // An account whose every membership is deactivated gets the same answer as a wrong password: it cannot sign
  // in, and whether its password was right is nobody's business.
  if (!user || !ok || workspaceIds.length === 0) {
    if (user) {
      const actor: AuditActor = { type: 'user', id: null, ...origin };
      await recordMany(
        deps.db,
        deps.clock,
        workspaceIds.map((workspaceId) => ({
          workspaceId,
          actor,
          action: 'auth.sign_in_failed' as const,
          target: { type: 'user', id: user.id },
        })),
      );
    }
    throw new AppError('invalid_credentials', 'Email or password is incorrect');
  }
  return deps.db.transaction().execute(async (tx) => {
    const result = await openSession(tx, deps.clock, user, input.workspaceId);
    await record(tx, deps.clock, {
      workspaceId: result.workspace.id,
      actor: { type: 'user', id: user.id, ...origin },
      action: 'auth.sign_in',
      target: { type: 'user', id: user.id },
    });
    return result;
  });
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
    .where('memberships.deactivated_at', 'is', null)
    .orderBy('memberships.created_at')
    .execute();
  // Sign-in falls back to the first workspace; switching (`strict`) must land in the one asked for.
  const workspace = workspaces.find((w) => w.id === workspaceId) ?? (opts.strict ? undefined : workspaces[0]);
  if (!workspace) throw new AppError('forbidden', 'This user is not an active member of that workspace');
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

/** Ends the session with this token. */
export async function logout(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256Hex(token)).execute();
}
