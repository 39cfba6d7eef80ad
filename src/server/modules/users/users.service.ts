import type { z } from 'zod';
import type { MeSchema, UserSchema, UserUpdateSchema } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { openSession, type LoginResult } from '../auth/sessions.service.ts';
import { PRESENCE_TTL_MS } from '../automation/assignment.rules.ts';

/** What the user functions use. */
export interface UsersDeps {
  db: Db;
  clock: Clock;
}

type UserDto = z.infer<typeof UserSchema>;

/** The members of a workspace with their roles (deactivated users included, flagged), by name. */
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
      'users.deactivated_at',
      'memberships.availability',
      'memberships.last_seen_at',
    ])
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('users.name')
    .execute();
  return {
    data: rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      deactivatedAt: r.deactivated_at?.toISOString() ?? null,
      availability: r.availability,
      online:
        !r.deactivated_at &&
        r.availability === 'online' &&
        r.last_seen_at !== null &&
        now.getTime() - r.last_seen_at.getTime() <= PRESENCE_TTL_MS,
      lastSeenAt: r.last_seen_at?.toISOString() ?? null,
    })),
  };
}

/**
 * Changes a member's role or (de)activates them. Deactivation ends their sessions at once. A workspace
 * always keeps an active owner, and nobody changes their own role or deactivates themselves (so an admin
 * cannot lock everyone out by mistake); only an owner grants or takes away the owner role.
 */
export async function updateUser(
  deps: UsersDeps,
  actor: Principal,
  userId: string,
  input: z.infer<typeof UserUpdateSchema>,
): Promise<UserDto> {
  const { workspaceId } = actor;
  await deps.db.transaction().execute(async (tx) => {
    const member = await tx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['memberships.role', 'users.deactivated_at'])
      .where('memberships.workspace_id', '=', workspaceId)
      .where('memberships.user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!member) throw notFound('User');
    if (actor.userId === userId)
      throw new AppError('forbidden', 'You cannot change your own role or deactivate yourself');
    const touchesOwner = member.role === 'owner' || input.role === 'owner';
    if (touchesOwner && actor.role !== 'owner')
      throw new AppError(
        'forbidden',
        'Only an owner can grant or remove the owner role, or deactivate an owner',
      );
    if (input.role) {
      await tx
        .updateTable('memberships')
        .set({ role: input.role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
    }
    if (input.deactivated !== undefined) {
      await tx
        .updateTable('users')
        .set({ deactivated_at: input.deactivated ? (member.deactivated_at ?? deps.clock.now()) : null })
        .where('id', '=', userId)
        .execute();
      if (input.deactivated) await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    }
    await ensureActiveOwner(tx, workspaceId);
  });
  const user = (await listUsers(deps, workspaceId)).data.find((u) => u.id === userId);
  if (!user) throw notFound('User');
  return user;
}

async function ensureActiveOwner(tx: DbOrTx, workspaceId: string): Promise<void> {
  const owner = await tx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.id')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.role', '=', 'owner')
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!owner) throw new AppError('conflict', 'A workspace must keep at least one active owner');
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
