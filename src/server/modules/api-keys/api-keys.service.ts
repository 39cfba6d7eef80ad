import type { FastifyRequest } from 'fastify';
import type {
  ApiKeyCreateInput,
  ApiKeyDto,
  ApiKeyWithSecretDto,
} from '../../../contracts/api-keys.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, MemberRole } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import type { Principal } from '../auth/principal.rules.ts';
import {
  findApiKeyRow,
  findLiveKeyByHash,
  insertApiKey,
  listApiKeyRows,
  lockApiKey,
  markApiKeyRevoked,
  replaceApiKeySecret,
  touchApiKey,
  type ApiKeyRow,
} from './api-keys.repository.ts';
import {
  apiKeyStatus,
  expiryRefusal,
  keyManagementRefusal,
  keyRoleRefusal,
  type KeyActor,
} from './api-keys.rules.ts';
import { SYSTEM_ACTOR, record, requestOrigin, type AuditActor } from '../audit/audit.service.ts';

export interface ApiKeysDeps {
  db: Db;
  clock: Clock;
}

/** A new secret: `tsk_<43 chars>`; only its SHA-256 is stored, plus its first 8 characters to recognise it. */
function newSecret(): { secret: string; prefix: string; keyHash: string } {
  const secret = randomToken('tsk_');
  return { secret, prefix: secret.slice(0, 8), keyHash: sha256Hex(secret) };
}

/**
 * Inserts a key without any permission check: for callers that already hold the authority (workspace creation,
 * the checked functions below, test seeds). Returns its id and its secret (shown once).
 */
export async function createApiKey(
  db: DbOrTx,
  clock: Clock,
  input: {
    workspaceId: string;
    name: string;
    role: MemberRole;
    expiresAt?: Date | null;
    createdByUserId?: string | null;
    createdByKeyId?: string | null;
  },
): Promise<{ id: string; key: string }> {
  const { secret, prefix, keyHash } = newSecret();
  const id = newId();
  await insertApiKey(db, {
    id,
    workspaceId: input.workspaceId,
    name: input.name,
    role: input.role,
    prefix,
    keyHash,
    createdAt: clock.now(),
    expiresAt: input.expiresAt ?? null,
    createdByUserId: input.createdByUserId ?? null,
    createdByKeyId: input.createdByKeyId ?? null,
  });
  return { id, key: secret };
}

/**
 * Resolves a presented key to a principal, or null when it is unknown, revoked or expired. Constant-time by
 * construction: the lookup is by SHA-256, so the secret itself is never compared.
 */
export async function authenticateApiKey(db: Db, clock: Clock, key: string): Promise<Principal | null> {
  if (!key.startsWith('tsk_')) return null;
  const now = clock.now();
  const row = await findLiveKeyByHash(db, sha256Hex(key), now);
  if (!row) return null;
  // Record use at most once a minute per key, so hot API clients don't write on every request.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await touchApiKey(db, row.id, now);
  }
  return {
    workspaceId: row.workspace_id,
    role: row.role,
    kind: 'api_key',
    userId: null,
    apiKeyId: row.id,
    csrfToken: null,
  };
}

/** The key-management actor behind a request. */
export function keyActorOf(principal: Principal, req?: FastifyRequest): KeyActor {
  return {
    kind: principal.kind,
    role: principal.role,
    userId: principal.userId,
    apiKeyId: principal.apiKeyId,
    ...(req ? { origin: requestOrigin(req) } : {}),
  };
}

/** The audit log's view of a key-management actor (the operator's CLI is the system). */
function auditActorOf(actor: KeyActor): AuditActor {
  const origin = actor.origin ?? { ip: null, userAgent: null };
  if (actor.kind === 'operator') return SYSTEM_ACTOR;
  return actor.kind === 'api_key'
    ? { type: 'api_key', id: actor.apiKeyId, ...origin }
    : { type: 'user', id: actor.userId, ...origin };
}

function requireManager(actor: KeyActor): void {
  const refusal = keyManagementRefusal(actor);
  if (refusal) throw new AppError('forbidden', refusal);
}

function toDto(row: ApiKeyRow, now: Date): ApiKeyDto {
  const createdBy = row.created_by_user_id
    ? { type: 'user' as const, id: row.created_by_user_id, name: row.created_by_user_name ?? '' }
    : row.created_by_key_id
      ? { type: 'api_key' as const, id: row.created_by_key_id, name: row.created_by_key_name ?? '' }
      : null;
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    status: apiKeyStatus({ revokedAt: row.revoked_at, expiresAt: row.expires_at }, now),
    createdAt: row.created_at.toISOString(),
    createdBy,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    rotatedAt: row.rotated_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

async function readKey(db: DbOrTx, workspaceId: string, id: string, now: Date): Promise<ApiKeyDto> {
  const row = await findApiKeyRow(db, workspaceId, id);
  if (!row) throw notFound('API key');
  return toDto(row, now);
}

/** Every key of the workspace (never their secrets), newest first, including revoked and expired ones. */
export async function listApiKeys(
  deps: ApiKeysDeps,
  workspaceId: string,
  actor: KeyActor,
): Promise<ApiKeyDto[]> {
  requireManager(actor);
  const now = deps.clock.now();
  return (await listApiKeyRows(deps.db, workspaceId)).map((row) => toDto(row, now));
}

/**
 * Creates a key with a name, a role (at most the actor's own) and an optional expiry. Returns it with its
 * secret, which is shown only now. Audited (`api_key.created`) in the same transaction.
 */
export async function issueApiKey(
  deps: ApiKeysDeps,
  workspaceId: string,
  actor: KeyActor,
  input: ApiKeyCreateInput,
): Promise<ApiKeyWithSecretDto> {
  requireManager(actor);
  const roleRefusal = keyRoleRefusal(actor, input.role);
  if (roleRefusal) throw new AppError('forbidden', roleRefusal);
  const now = deps.clock.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  const expiry = expiresAt ? expiryRefusal(expiresAt, now) : null;
  if (expiry) throw new AppError('validation_failed', expiry, { field: 'expiresAt' });
  return deps.db.transaction().execute(async (tx) => {
    const { id, key } = await createApiKey(tx, deps.clock, {
      workspaceId,
      name: input.name,
      role: input.role,
      expiresAt,
      createdByUserId: actor.kind === 'session' ? actor.userId : null,
      createdByKeyId: actor.kind === 'api_key' ? actor.apiKeyId : null,
    });
    await record(tx, deps.clock, {
      workspaceId,
      actor: auditActorOf(actor),
      action: 'api_key.created',
      target: { type: 'api_key', id },
      data: { role: input.role, expires: expiresAt !== null },
    });
    return { ...(await readKey(tx, workspaceId, id, now)), secret: key };
  });
}

/**
 * Gives a key a new secret; id, name, role and expiry stay. The old secret fails from the commit on (open
 * event streams that used it end at their next credential check). Revoked or expired keys cannot be rotated
 * (make a new one). Audited (`api_key.rotated`) in the same transaction.
 */
export async function rotateApiKey(
  deps: ApiKeysDeps,
  workspaceId: string,
  actor: KeyActor,
  id: string,
): Promise<ApiKeyWithSecretDto> {
  requireManager(actor);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockApiKey(tx, workspaceId, id);
    if (!locked) throw notFound('API key');
    const roleRefusal = keyRoleRefusal(actor, locked.role);
    if (roleRefusal) throw new AppError('forbidden', roleRefusal);
    const status = apiKeyStatus({ revokedAt: locked.revoked_at, expiresAt: locked.expires_at }, now);
    if (status !== 'active')
      throw new AppError('conflict', `This API key is ${status}; create a new one instead`);
    const { secret, prefix, keyHash } = newSecret();
    await replaceApiKeySecret(tx, workspaceId, id, { prefix, keyHash, at: now });
    await record(tx, deps.clock, {
      workspaceId,
      actor: auditActorOf(actor),
      action: 'api_key.rotated',
      target: { type: 'api_key', id },
    });
    return { ...(await readKey(tx, workspaceId, id, now)), secret };
  });
}

/**
 * Revokes a key: it fails from the commit on, including open event streams at their next check. Revoking a
 * revoked key changes nothing (`changed: false`). Audited (`api_key.revoked`, only when `changed`) in the same
 * transaction.
 */
export async function revokeApiKey(
  deps: ApiKeysDeps,
  workspaceId: string,
  actor: KeyActor,
  id: string,
): Promise<{ apiKey: ApiKeyDto; changed: boolean }> {
  requireManager(actor);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockApiKey(tx, workspaceId, id);
    if (!locked) throw notFound('API key');
    const roleRefusal = keyRoleRefusal(actor, locked.role);
    if (roleRefusal) throw new AppError('forbidden', roleRefusal);
    const changed = locked.revoked_at === null;
    if (changed) {
      await markApiKeyRevoked(tx, workspaceId, id, now);
      await record(tx, deps.clock, {
        workspaceId,
        actor: auditActorOf(actor),
        action: 'api_key.revoked',
        target: { type: 'api_key', id },
      });
    }
    return { apiKey: await readKey(tx, workspaceId, id, now), changed };
  });
}
