import type { z } from 'zod';
import type { PasswordResetLinkSchema } from '../../../contracts/auth.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/crypto.ts';
import { record, recordMany, type AuditActor } from '../audit/audit.service.ts';
import { clearAccountFailures, throttledPasswordCheck } from './auth-throttle.service.ts';
import type { Principal } from './principal.rules.ts';
import { openSession, type LoginResult } from './sessions.service.ts';

/** A reset link works for 24 hours (it is handed over by a person, not mailed), and once. */
export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60_000;

interface Deps {
  db: Db;
  clock: Clock;
}

/**
 * Changes the signed-in user's password. The current password is checked under the sign-in throttle (a
 * stolen session cannot guess it without limit); the account's other sessions end and unused reset links
 * die. 403 `wrong_current_password` if it does not match. Audited in the current workspace.
 */
export async function changePassword(
  deps: Deps,
  p: Principal,
  input: { currentPassword: string; newPassword: string },
  who: AuditActor,
  currentToken: string | null,
): Promise<void> {
  if (!p.userId) throw new AppError('forbidden', 'An API key has no password');
  const userId = p.userId;
  const user = await deps.db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const ok = await throttledPasswordCheck(deps, { email: user.email, ip: who.ip }, () =>
    verifyPassword(input.currentPassword, user.password_hash),
  );
  if (!ok) throw new AppError('wrong_current_password', 'The current password is not correct');
  const hash = await hashPassword(input.newPassword);
  await deps.db.transaction().execute(async (tx) => {
    await setPassword(tx, deps.clock, userId, hash);
    await tx
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('token_hash', '!=', sha256Hex(currentToken ?? ''))
      .execute();
    await record(tx, deps.clock, {
      workspaceId: p.workspaceId,
      actor: who,
      action: 'auth.password_changed',
      target: { type: 'user', id: userId },
    });
  });
}

async function setPassword(tx: DbOrTx, clock: Clock, userId: string, hash: string): Promise<void> {
  await tx.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
  await tx
    .updateTable('password_resets')
    .set({ used_at: clock.now() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** Stores a new reset link for a user (older unused ones stop working) and returns it. */
async function createResetLink(
  tx: DbOrTx,
  clock: Clock,
  input: { userId: string; workspaceId: string | null; createdBy: string | null; baseUrl: string },
): Promise<z.infer<typeof PasswordResetLinkSchema>> {
  const now = clock.now();
  await tx
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', input.userId)
    .where('used_at', 'is', null)
    .execute();
  const token = randomToken('pwr_', 24);
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
  await tx
    .insertInto('password_resets')
    .values({
      id: newId(),
      user_id: input.userId,
      workspace_id: input.workspaceId,
      token_hash: sha256Hex(token),
      created_by: input.createdBy,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return {
    url: `${input.baseUrl.replace(/\/+$/, '')}/reset-password/${encodeURIComponent(token)}`,
    expiresAt: expiresAt.toISOString(),
  };
}

/**
 * An admin issues a one-time reset link for an active member of their workspace. A password belongs to the
 * whole account, so an admin of one workspace must not be able to take over someone's other workspaces: the
 * link is refused (403) when the member also belongs to a workspace where the issuer is not an active owner
 * or admin — then the server operator issues it (`tsunagi users reset-password`). Only owners reset owners;
 * nobody resets themselves (they change their password). Audited.
 */
export async function issuePasswordReset(
  deps: Deps,
  p: Principal,
  userId: string,
  input: { baseUrl: string; who: AuditActor },
): Promise<z.infer<typeof PasswordResetLinkSchema>> {
  return deps.db.transaction().execute(async (tx) => {
    const memberships = await tx
      .selectFrom('memberships')
      .select(['workspace_id', 'role', 'deactivated_at'])
      .where('user_id', '=', userId)
      .execute();
    const here = memberships.find((m) => m.workspace_id === p.workspaceId);
    if (!here) throw notFound('User');
    if (here.deactivated_at) throw new AppError('conflict', 'This member is deactivated');
    if (p.userId === userId)
      throw new AppError('forbidden', 'Change your own password under your profile instead');
    if (here.role === 'owner' && p.role !== 'owner')
      throw new AppError('forbidden', "Only an owner can reset an owner's password");
    const elsewhere = memberships.filter((m) => m.workspace_id !== p.workspaceId).map((m) => m.workspace_id);
    if (elsewhere.length > 0) {
      const managed = p.userId
        ? await tx
            .selectFrom('memberships')
            .select('workspace_id')
            .where('user_id', '=', p.userId)
            .where('workspace_id', 'in', elsewhere)
            .where('role', 'in', ['owner', 'admin'])
            .where('deactivated_at', 'is', null)
            .execute()
        : [];
      if (managed.length < elsewhere.length)
        throw new AppError(
          'forbidden',
          'This person also belongs to workspaces you do not manage: ask the server operator to reset the password (tsunagi users reset-password)',
        );
    }
    const link = await createResetLink(tx, deps.clock, {
      userId,
      workspaceId: p.workspaceId,
      createdBy: p.userId,
      baseUrl: input.baseUrl,
    });
    await record(tx, deps.clock, {
      workspaceId: p.workspaceId,
      actor: input.who,
      action: 'auth.password_reset_issued',
      target: { type: 'user', id: userId },
    });
    return link;
  });
}

/** The server operator issues a reset link for any account (`tsunagi users reset-password`). Audited. */
export async function issueOperatorPasswordReset(
  deps: Deps,
  userId: string,
  baseUrl: string,
): Promise<z.infer<typeof PasswordResetLinkSchema>> {
  return deps.db.transaction().execute(async (tx) => {
    const link = await createResetLink(tx, deps.clock, {
      userId,
      workspaceId: null,
      createdBy: null,
      baseUrl,
    });
    await recordInWorkspacesOf(tx, deps.clock, userId, {
      actor: { type: 'system', id: null, ip: null, userAgent: null },
      action: 'auth.password_reset_issued',
    });
    return link;
  });
}

async function recordInWorkspacesOf(
  tx: DbOrTx,
  clock: Clock,
  userId: string,
  entry: { actor: AuditActor; action: 'auth.password_reset_issued' | 'auth.password_reset_completed' },
): Promise<void> {
  const rows = await tx
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', userId)
    .execute();
  await recordMany(
    tx,
    clock,
    rows.map((r) => ({ workspaceId: r.workspace_id, ...entry, target: { type: 'user', id: userId } })),
  );
}

async function findOpenReset(db: DbOrTx, clock: Clock, token: string, lock: boolean) {
  let q = db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select([
      'password_resets.id',
      'password_resets.user_id',
      'password_resets.workspace_id',
      'password_resets.expires_at',
      'password_resets.used_at',
      'users.email',
      'users.name',
      'users.locale',
      'users.deactivated_at',
    ])
    .where('password_resets.token_hash', '=', sha256Hex(token));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || row.used_at || row.deactivated_at || row.expires_at.getTime() <= clock.now().getTime())
    throw new AppError('not_found', 'This reset link is invalid, expired or already used');
  return row;
}

/** Whose password a reset link is for (the reset page shows it). */
export async function previewPasswordReset(
  deps: Deps,
  token: string,
): Promise<{ email: string; expiresAt: string }> {
  const row = await findOpenReset(deps.db, deps.clock, token, false);
  return { email: row.email, expiresAt: row.expires_at.toISOString() };
}

/**
 * Sets a new password from a reset link: the link is used up, every session of the account ends, its
 * throttle is cleared (this is also how an owner gets back in after a guessing attack), and a new session
 * opens — in the workspace whose admin issued the link if still a member there, else the first one.
 */
export async function completePasswordReset(
  deps: Deps,
  input: { token: string; password: string },
  who: { ip: string | null; userAgent: string | null },
): Promise<LoginResult> {
  const hash = await hashPassword(input.password);
  return deps.db.transaction().execute(async (tx) => {
    const row = await findOpenReset(tx, deps.clock, input.token, true);
    await setPassword(tx, deps.clock, row.user_id, hash);
    await tx.deleteFrom('sessions').where('user_id', '=', row.user_id).execute();
    await clearAccountFailures(tx, row.email);
    const actor: AuditActor = { type: 'user', id: row.user_id, ...who };
    if (row.workspace_id)
      await record(tx, deps.clock, {
        workspaceId: row.workspace_id,
        actor,
        action: 'auth.password_reset_completed',
        target: { type: 'user', id: row.user_id },
      });
    else
      await recordInWorkspacesOf(tx, deps.clock, row.user_id, {
        actor,
        action: 'auth.password_reset_completed',
      });
    const user = { id: row.user_id, email: row.email, name: row.name, locale: row.locale };
    return openSession(tx, deps.clock, user, row.workspace_id ?? undefined);
  });
}
