import type { z } from 'zod';
import type {
  InvitationInputSchema,
  InvitationSchema,
  MemberRoleDto,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError } from '../../http/errors.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/crypto.ts';
import { openSession, type LoginResult } from '../auth/sessions.service.ts';

/** An invitation link is valid for 7 days and works once. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/**
 * Invites someone by email with a role: returns a one-time link (the token is shown once; only its hash is
 * stored) for the admin to send. Tsunagi sends no email itself (self-hosted installs rarely have SMTP set up).
 */
export async function createInvitation(
  deps: { db: Db; clock: Clock },
  input: z.infer<typeof InvitationInputSchema> & {
    workspaceId: string;
    invitedBy: string | null;
    baseUrl: string;
  },
): Promise<z.infer<typeof InvitationSchema>> {
  const email = input.email.trim().toLowerCase();
  const existing = await deps.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.id')
    .where('memberships.workspace_id', '=', input.workspaceId)
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email))
    .executeTakeFirst();
  if (existing) throw new AppError('conflict', `${email} is already a member of this workspace`);
  const token = randomToken('inv_', 24);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const id = newId();
  await deps.db
    .insertInto('invitations')
    .values({
      id,
      workspace_id: input.workspaceId,
      email,
      name: input.name ?? null,
      role: input.role,
      token_hash: sha256Hex(token),
      invited_by: input.invitedBy,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return {
    id,
    email,
    role: input.role,
    url: `${input.baseUrl.replace(/\/+$/, '')}/invite/${encodeURIComponent(token)}`,
    expiresAt: expiresAt.toISOString(),
  };
}

async function findOpenInvitation(deps: { db: DbOrTx; clock: Clock }, token: string) {
  const inv = await deps.db
    .selectFrom('invitations')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .select([
      'invitations.id',
      'invitations.workspace_id',
      'invitations.email',
      'invitations.role',
      'invitations.expires_at',
      'invitations.accepted_at',
      'workspaces.name as workspace_name',
    ])
    .where('invitations.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!inv || inv.accepted_at || inv.expires_at.getTime() <= deps.clock.now().getTime())
    throw new AppError('not_found', 'This invitation link is invalid, expired or already used');
  return inv;
}

/** What an invitation link is for (the sign-up page shows it before asking for a name and password). */
export async function previewInvitation(
  deps: { db: Db; clock: Clock },
  token: string,
): Promise<{ email: string; workspaceName: string; role: MemberRoleDto }> {
  const inv = await findOpenInvitation(deps, token);
  return { email: inv.email, workspaceName: inv.workspace_name, role: inv.role };
}

/**
 * Accepts an invitation: creates the user (or, for an email that already has an account, checks its
 * password), adds the membership, uses up the link, and signs in. All in one transaction, so a link cannot be
 * used twice even by concurrent requests (the invitation row is locked).
 */
export async function acceptInvitation(
  deps: { db: Db; clock: Clock },
  input: { token: string; name: string; password: string },
): Promise<LoginResult> {
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction().execute(async (tx) => {
    const inv = await findOpenInvitation({ db: tx, clock: deps.clock }, input.token);
    const locked = await tx
      .selectFrom('invitations')
      .select('accepted_at')
      .where('id', '=', inv.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.accepted_at) throw new AppError('not_found', 'This invitation link was already used');
    const now = deps.clock.now();
    let user = await tx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'locale', 'password_hash', 'deactivated_at'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', inv.email))
      .executeTakeFirst();
    if (user) {
      if (user.deactivated_at || !(await verifyPassword(input.password, user.password_hash)))
        throw new AppError(
          'invalid_credentials',
          'An account with this email exists: enter its current password to join the workspace',
        );
    } else {
      const id = newId();
      await tx
        .insertInto('users')
        .values({
          id,
          email: inv.email,
          name: input.name,
          password_hash: passwordHash,
          locale: null,
          created_at: now,
        })
        .execute();
      user = {
        id,
        email: inv.email,
        name: input.name,
        locale: null,
        password_hash: '',
        deactivated_at: null,
      };
    }
    await tx
      .insertInto('memberships')
      .values({ workspace_id: inv.workspace_id, user_id: user.id, role: inv.role, created_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    await tx.updateTable('invitations').set({ accepted_at: now }).where('id', '=', inv.id).execute();
    return openSession(tx, deps.clock, user, inv.workspace_id, { strict: true });
  });
}
