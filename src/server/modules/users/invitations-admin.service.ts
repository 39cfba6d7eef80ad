import type { z } from 'zod';
import type { InvitationSchema, PendingInvitationDto } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import { INVITATION_TTL_MS } from './invitations.service.ts';

/**
 * The admin's side of pending invitations: list them, hand out a link again, revoke. A link's token is stored
 * only as its hash, so "copy the link again" issues a new token (the old link stops working) and restarts the
 * 7 days.
 */

/** Pending invitations of the workspace (not accepted, not expired), newest first. */
export async function listPendingInvitations(
  deps: { db: Db; clock: Clock },
  workspaceId: string,
): Promise<PendingInvitationDto[]> {
  const rows = await deps.db
    .selectFrom('invitations')
    .select(['id', 'email', 'name', 'role', 'invited_by', 'created_at', 'expires_at'])
    .where('workspace_id', '=', workspaceId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    invitedBy: r.invited_by,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
  }));
}

/**
 * A new one-time link for a pending invitation (a new token replaces the old one, valid 7 days from now).
 * `not_found` for an invitation accepted, expired, revoked or of another workspace.
 */
export async function reissueInvitationLink(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; id: string; baseUrl: string; actor: AuditActor },
): Promise<z.infer<typeof InvitationSchema>> {
  const token = randomToken('inv_', 24);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const row = await deps.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('invitations')
      .set({ token_hash: sha256Hex(token), expires_at: expiresAt })
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.id)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['id', 'email', 'role'])
      .executeTakeFirst();
    if (!updated) return undefined;
    await record(tx, deps.clock, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'invitation.link_reissued',
      target: { type: 'invitation', id: input.id },
      data: {},
    });
    return updated;
  });
  if (!row) throw notFound('Invitation');
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    url: `${input.baseUrl.replace(/\/+$/, '')}/invite/${encodeURIComponent(token)}`,
    expiresAt: expiresAt.toISOString(),
  };
}

/** Revokes a pending invitation: the row is deleted, so its link no longer works; the audit log keeps it. */
export async function revokeInvitation(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; id: string; actor: AuditActor },
): Promise<void> {
  const deleted = await deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom('invitations')
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.id)
      .where('accepted_at', 'is', null)
      .returning(['id', 'role'])
      .executeTakeFirst();
    if (!row) return false;
    await record(tx, deps.clock, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'invitation.revoked',
      target: { type: 'invitation', id: input.id },
      data: { role: row.role },
    });
    return true;
  });
  if (!deleted) throw notFound('Invitation');
}
