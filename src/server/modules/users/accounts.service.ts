import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { SYSTEM_ACTOR, recordMany } from '../audit/audit.service.ts';
import { issueOperatorPasswordReset } from '../auth/passwords.service.ts';
import { findAccountByEmail } from '../auth/sessions.service.ts';
import { ensureActiveOwner } from './users.service.ts';

/**
 * Server-operator commands on accounts (`tsunagi users …`): the only way, besides the account itself, to
 * change an account's global state. Workspace admins act on memberships instead (users.service.ts).
 */
export interface AccountsDeps {
  db: Db;
  clock: Clock;
}

/** One account as the operator sees it: its global state and its workspaces with role and state there. */
export interface AccountSummary {
  id: string;
  email: string;
  name: string;
  deactivatedAt: string | null;
  workspaces: Array<{ id: string; name: string; role: string; deactivatedAt: string | null }>;
}

/** Every account with its memberships, by e-mail. */
export async function listAccounts(deps: AccountsDeps): Promise<AccountSummary[]> {
  const users = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'deactivated_at'])
    .orderBy('email')
    .execute();
  const memberships = await deps.db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select([
      'memberships.user_id',
      'workspaces.id',
      'workspaces.name',
      'memberships.role',
      'memberships.deactivated_at',
    ])
    .orderBy('memberships.created_at')
    .execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    deactivatedAt: u.deactivated_at?.toISOString() ?? null,
    workspaces: memberships
      .filter((m) => m.user_id === u.id)
      .map((m) => ({
        id: m.id,
        name: m.name,
        role: m.role,
        deactivatedAt: m.deactivated_at?.toISOString() ?? null,
      })),
  }));
}

async function accountByEmail(deps: AccountsDeps, email: string) {
  const user = await findAccountByEmail(deps.db, email);
  if (!user) throw new AppError('not_found', `No account with the e-mail ${email}`);
  return user;
}

/**
 * Deactivates or reactivates an account everywhere. Deactivating ends all its sessions, and is refused
 * (`last_owner`) when it would leave one of its workspaces without an active owner. Audited in each of its
 * workspaces as the system.
 */
export async function setAccountDeactivated(
  deps: AccountsDeps,
  email: string,
  deactivated: boolean,
): Promise<AccountSummary> {
  const user = await accountByEmail(deps, email);
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ deactivated_at: deactivated ? (user.deactivated_at ?? deps.clock.now()) : null })
      .where('id', '=', user.id)
      .execute();
    const workspaces = await tx
      .selectFrom('memberships')
      .select('workspace_id')
      .where('user_id', '=', user.id)
      .execute();
    if (deactivated) {
      await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      for (const w of workspaces) await ensureActiveOwner(tx, w.workspace_id);
    }
    await recordMany(
      tx,
      deps.clock,
      workspaces.map((w) => ({
        workspaceId: w.workspace_id,
        actor: SYSTEM_ACTOR,
        action: deactivated ? ('account.deactivated' as const) : ('account.reactivated' as const),
        target: { type: 'user', id: user.id },
      })),
    );
  });
  const summary = (await listAccounts(deps)).find((a) => a.id === user.id);
  if (!summary) throw new AppError('not_found', `No account with the e-mail ${email}`);
  return summary;
}

/** A one-time password reset link for an account (printed by `tsunagi users reset-password`). */
export async function operatorResetLink(
  deps: AccountsDeps,
  email: string,
  baseUrl: string,
): Promise<{ url: string; expiresAt: string }> {
  const user = await accountByEmail(deps, email);
  if (user.deactivated_at)
    throw new AppError('conflict', 'This account is deactivated: activate it first (tsunagi users activate)');
  return issueOperatorPasswordReset(deps, user.id, baseUrl);
}
