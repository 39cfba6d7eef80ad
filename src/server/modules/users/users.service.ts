import type { z } from 'zod';
import type { MeSchema, UserSchema, UserUpdateSchema } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { openSession, type LoginResult } from '../auth/sessions.service.ts';
import { PRESENCE_TTL_MS } from '../automation/assignment.rules.ts';

/** What the user functions use. */
export interface UsersDeps {
  db: Db;
  clock: Clock;
}

type UserDto = z.infer<typeof UserSchema>;

/** The members of a workspace with their roles (deactivated members included, flagged), by name. */
export async function listUsers(deps: UsersDeps, workspaceId: string): Promise<{ data: UserDto[] }> {
  const now = deps.clock.now();
  const rows = await deps.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'memberships.role',
      'memberships.deactivated_at',
      'users.deactivated_at as account_deactivated_at',
      'memberships.availability',
      'memberships.last_seen_at',
    ])
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('users.name')
    .execute();
  return {
    data: rows.map((r) => {
      const deactivatedAt = r.deactivated_at ?? r.account_deactivated_at;
      return {
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        deactivatedAt: deactivatedAt?.toISOString() ?? null,
        availability: r.availability,
        online:
          !deactivatedAt &&
          r.availability === 'online' &&
          r.last_seen_at !== null &&
          now.getTime() - r.last_seen_at.getTime() <= PRESENCE_TTL_MS,
        lastSeenAt: r.last_seen_at?.toISOString() ?? null,
      };
    }),
  };
}

/** Locks a member of the caller's workspace (404 if they are not one) and applies the shared guards. */
async function lockMember(tx: DbOrTx, actor: Principal, userId: string, touchesOwnerRole: boolean) {
  const member = await tx
    .selectFrom('memberships')
    .select(['role', 'deactivated_at'])
    .where('workspace_id', '=', actor.workspaceId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!member) throw notFound('User');
  if (actor.userId === userId)
    throw new AppError('forbidden', 'You cannot change your own role, deactivate or remove yourself');
  if ((member.role === 'owner' || touchesOwnerRole) && actor.role !== 'owner')
    throw new AppError(
      'forbidden',
      'Only an owner can grant or remove the owner role, or deactivate or remove an owner',
    );
  return member;
}

/**
 * Changes a member's role or (de)activates them — in the caller's workspace only: the membership changes,
 * never the account, so a person's other workspaces are untouched. Deactivation ends their sessions in this
 * workspace at once. A workspace always keeps an active owner (409 `last_owner`), nobody changes their own
 * role or deactivates themselves, and only an owner grants or takes away the owner role. Audited.
 */
export async function updateUser(
  deps: UsersDeps,
  actor: Principal,
  userId: string,
  input: z.infer<typeof UserUpdateSchema>,
  who: AuditActor,
): Promise<UserDto> {
  const { workspaceId } = actor;
  await deps.db.transaction().execute(async (tx) => {
    const member = await lockMember(tx, actor, userId, input.role === 'owner');
    const target = { type: 'user', id: userId };
    if (input.role && input.role !== member.role) {
      await tx
        .updateTable('memberships')
        .set({ role: input.role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
      await record(tx, deps.clock, {
        workspaceId,
        actor: who,
        action: 'member.role_changed',
        target,
        data: { from: member.role, to: input.role },
      });
    }
    if (input.deactivated !== undefined && input.deactivated !== (member.deactivated_at !== null)) {
      await tx
        .updateTable('memberships')
        .set({ deactivated_at: input.deactivated ? deps.clock.now() : null })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
      if (input.deactivated) await endSessionsIn(tx, workspaceId, userId);
      await record(tx, deps.clock, {
        workspaceId,
        actor: who,
        action: input.deactivated ? 'member.deactivated' : 'member.reactivated',
        target,
      });
    }
    await ensureActiveOwner(tx, workspaceId);
  });
  const user = (await listUsers(deps, workspaceId)).data.find((u) => u.id === userId);
  if (!user) throw notFound('User');
  return user;
}

/**
 * Removes a member from the caller's workspace (the account and its other workspaces stay): their sessions
 * and team places in this workspace go with the membership. Same guards as {@link updateUser}. Audited.
 */
export async function removeMember(
  deps: UsersDeps,
  actor: Principal,
  userId: string,
  who: AuditActor,
): Promise<void> {
  const { workspaceId } = actor;
  await deps.db.transaction().execute(async (tx) => {
    const member = await lockMember(tx, actor, userId, false);
    await tx
      .deleteFrom('memberships')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await tx
      .deleteFrom('team_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await endSessionsIn(tx, workspaceId, userId);
    await record(tx, deps.clock, {
      workspaceId,
      actor: who,
      action: 'member.removed',
      target: { type: 'user', id: userId },
      data: { role: member.role },
    });
    await ensureActiveOwner(tx, workspaceId);
  });
}

/** Ends a user's sessions in one workspace (their sessions elsewhere go on). */
async function endSessionsIn(tx: DbOrTx, workspaceId: string, userId: string): Promise<void> {
  await tx
    .deleteFrom('sessions')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}

/** Throws 409 `last_owner` unless the workspace has an owner whose membership and account are both active. */
export async function ensureActiveOwner(tx: DbOrTx, workspaceId: string): Promise<void> {
  const owner = await tx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.id')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.role', '=', 'owner')
    .where('memberships.deactivated_at', 'is', null)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!owner)
    throw new AppError('last_owner', 'A workspace must keep at least one active owner', { workspaceId });
}

/** Who is signed in: user, current workspace and every workspace they belong to (the console's boot call). */
export async function describeMe(deps: UsersDeps, p: Principal): Promise<z.infer<typeof MeSchema>> {
  const workspace = await deps.db
    .selectFrom('workspaces')
    .select(['id', 'name', 'timezone'])
    .where('id', '=', p.workspaceId)
    .executeTakeFirstOrThrow();
  const user = p.userId
    ? await deps.db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'locale'])
        .where('id', '=', p.userId)
        .executeTakeFirst()
    : undefined;
  const workspaces = p.userId
    ? await deps.db
        .selectFrom('memberships')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select(['workspaces.id', 'workspaces.name', 'memberships.role'])
        .where('memberships.user_id', '=', p.userId)
        .where('memberships.deactivated_at', 'is', null)
        .orderBy('memberships.created_at')
        .execute()
    : [{ id: workspace.id, name: workspace.name, role: p.role }];
  return {
    workspaceId: p.workspaceId,
    role: p.role,
    kind: p.kind,
    userId: p.userId,
    csrfToken: p.csrfToken,
    user: user ?? null,
    workspace,
    workspaces,
  };
}

/** Changes the signed-in user's own name or console language (null: follow the browser). */
export async function updateMe(
  deps: UsersDeps,
  p: Principal,
  input: { locale?: 'ja' | 'en' | null | undefined; name?: string | undefined },
): Promise<z.infer<typeof MeSchema>> {
  if (!p.userId) throw new AppError('forbidden', 'An API key has no user profile');
  if (input.locale !== undefined || input.name !== undefined) {
    await deps.db
      .updateTable('users')
      .set({
        ...(input.locale !== undefined ? { locale: input.locale } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
      })
      .where('id', '=', p.userId)
      .execute();
  }
  return describeMe(deps, p);
}

/** Opens a session in another workspace of the signed-in user (the workspace switcher). */
export async function switchWorkspace(
  deps: UsersDeps,
  p: Principal,
  workspaceId: string,
): Promise<LoginResult> {
  if (!p.userId) throw new AppError('forbidden', 'An API key belongs to one workspace');
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'locale'])
    .where('id', '=', p.userId)
    .where('deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!user) throw new AppError('unauthenticated', 'Sign in again');
  return openSession(deps.db, deps.clock, user, workspaceId, { strict: true });
}
