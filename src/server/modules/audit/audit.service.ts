import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AuditAction, AuditEntryDto, AuditLogQuerySchema } from '../../../contracts/audit.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { TimeIdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';
import { insertAuditEntries, selectAuditEntries, type AuditRow } from './audit.repository.ts';

/** Where a request came from, as recorded in audit entries. */
export interface AuditOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** Who did something and from where: a user, an API key, or the system (jobs, the operator's CLI). */
export interface AuditActor extends AuditOrigin {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
}

/** The system as actor (background jobs, `tsunagi` commands run by the server operator). */
export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, ip: null, userAgent: null };

/** The client address and user agent of a request (user agents are cut to 300 characters). */
export function requestOrigin(req: FastifyRequest): AuditOrigin {
  const ua = req.headers['user-agent'];
  return { ip: req.ip || null, userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null };
}

/** The actor of an authenticated request: its user or API key, with the request's origin. */
export function actorOf(p: Principal, req: FastifyRequest): AuditActor {
  return p.kind === 'api_key'
    ? { type: 'api_key', id: p.apiKeyId, ...requestOrigin(req) }
    : { type: 'user', id: p.userId, ...requestOrigin(req) };
}

/** One audit entry: ids and codes only in `data` — never e-mail addresses, names or message text. */
export interface AuditRecord {
  workspaceId: string;
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string | null } | undefined;
  data?: Record<string, string | number | boolean | null> | undefined;
}

/**
 * Appends an entry to a workspace's audit log. Call it with the transaction that makes the change, so the
 * entry exists exactly when the change does. `at` is the injected clock's time.
 */
export async function record(trx: DbOrTx, clock: Clock, entry: AuditRecord): Promise<void> {
  await recordMany(trx, clock, [entry]);
}

/** Like {@link record} for several entries in one statement (e.g. the same event in each of a user's workspaces). */
export async function recordMany(trx: DbOrTx, clock: Clock, entries: AuditRecord[]): Promise<void> {
  const now = clock.now();
  await insertAuditEntries(
    trx,
    entries.map((e) => ({
      id: newId(),
      workspace_id: e.workspaceId,
      occurred_at: now,
      actor_type: e.actor.type,
      actor_id: e.actor.id,
      action: e.action,
      target_type: e.target?.type ?? null,
      target_id: e.target?.id ?? null,
      ip: e.actor.ip,
      user_agent: e.actor.userAgent,
      data: JSON.stringify(e.data ?? {}),
    })),
  );
}

function present(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action as AuditAction,
    target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
    ip: row.ip,
    userAgent: row.user_agent,
    data: (row.data ?? {}) as Record<string, unknown>,
  };
}

/** A page of the workspace's audit log, newest first, filtered by action, actor, target and time. */
export async function listAuditLog(
  deps: { db: Db },
  workspaceId: string,
  q: z.infer<typeof AuditLogQuerySchema>,
): Promise<{ data: AuditEntryDto[]; nextCursor: string | null }> {
  const rows = await selectAuditEntries(deps.db, {
    workspaceId,
    action: q.action,
    actorId: q.actor,
    targetType: q.targetType,
    targetId: q.targetId,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    after: q.cursor ? decodeCursor(q.cursor, TimeIdKeySchema) : undefined,
    limit: q.limit,
  });
  return toPage(rows, q.limit, present, (r) => [r.occurred_at.toISOString(), r.id]);
}
