import type { z } from 'zod';
import type {
  InvitationInputSchema,
  InvitationSchema,
  MemberRoleDto,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { hashPassword, randomToken, sha256Hex } from '../../lib/crypto.ts';
import { record, type AuditActor, type AuditOrigin } from '../audit/audit.service.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { findAccountByEmail, openSession, type LoginResult } from '../auth/sessions.service.ts';

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
    actor: AuditActor;
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
  await deps.db.transaction().execute(async (tx) => {
    await tx
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
    await record(tx, deps.clock, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'invitation.created',
      target: { type: 'invitation', id },
      data: { role: input.role },
    });
  });
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

/**
 * What an invitation link is for (the sign-up page shows it first). `existingAccount`: the e-mail already has
 * an account, so the invitee signs in as it and accepts (no new password).
 */
export async function previewInvitation(
  deps: { db: Db; clock: Clock },
  token: string,
): Promise<{ email: string; workspaceName: string; role: MemberRoleDto; existingAccount: boolean }> {
  const inv = await findOpenInvitation(deps, token);
  const account = await findAccountByEmail(deps.db, inv.email);
  return {
    email: inv.email,
    workspaceName: inv.workspace_name,
    role: inv.role,
    existingAccount: account !== undefined,
  };
}

/**
 * Accepts an invitation and signs in to its workspace. For a new e-mail it creates the account with the name
 * and password given. For an e-mail that already has an account it never takes a password (that would be an
 * unthrottled way to guess it): the caller must be signed in as that account (401 `sign_in_required`
 * otherwise, 403 if signed in as someone else), and the membership is added to it. One transaction, with the
 * invitation row locked, so a link works once even under concurrent requests. Audited as `member.joined`.
 */
export async function acceptInvitation(
  deps: { db: Db; clock: Clock },
  input: { token: string; name?: string | undefined; password?: string | undefined },
  signedIn: Principal | null,
  origin: AuditOrigin,
): Promise<LoginResult> {
  const inv = await findOpenInvitation(deps, input.token);
  const account = await findAccountByEmail(deps.db, inv.email);
  if (account) {
    if (!signedIn?.userId)
      throw new AppError(
        'sign_in_required',
        'An account with this e-mail exists: sign in first, then accept',
        {
          email: inv.email,
        },
      );
    if (signedIn.userId !== account.id)
      throw new AppError('forbidden', 'This invitation is for another account: sign out and sign in as it');
  } else if (!input.name || !input.password) {
    throw new AppError('validation_failed', 'Enter your name and a password (at least 10 characters)', {
      issues: [{ path: input.name ? '/password' : '/name', message: 'required' }],
    });
  }
  const passwordHash = account ? null : await hashPassword(input.password ?? '');
  return deps.db.transaction().execute(async (tx) => {
    const locked = await tx
      .selectFrom('invitations')
      .select('accepted_at')
      .where('id', '=', inv.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.accepted_at) throw new AppError('not_found', 'This invitation link was already used');
    const now = deps.clock.now();
    let user: { id: string; email: string; name: string; locale: string | null };
    if (account) {
      user = account;
    } else {
      user = { id: newId(), email: inv.email, name: input.name ?? '', locale: null };
      await tx
        .insertInto('users')
        .values({ ...user, password_hash: passwordHash ?? '', created_at: now })
        .execute();
    }
    await tx
      .insertInto('memberships')
      .values({ workspace_id: inv.workspace_id, user_id: user.id, role: inv.role, created_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    await tx.updateTable('invitations').set({ accepted_at: now }).where('id', '=', inv.id).execute();
    await record(tx, deps.clock, {
      workspaceId: inv.workspace_id,
      actor: { type: 'user', id: user.id, ...origin },
      action: 'member.joined',
      target: { type: 'user', id: user.id },
      data: { invitationId: inv.id, role: inv.role },
    });
    return openSession(tx, deps.clock, user, inv.workspace_id, { strict: true });
  });
}
