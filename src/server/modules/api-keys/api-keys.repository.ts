import type { DbOrTx, MemberRole } from '../../db/types.ts';

/** An `api_keys` row as the service sees it, with the names of whoever created it. */
export interface ApiKeyRow {
  id: string;
  workspace_id: string;
  name: string;
  role: MemberRole;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  rotated_at: Date | null;
  revoked_at: Date | null;
  created_by_user_id: string | null;
  created_by_user_name: string | null;
  created_by_key_id: string | null;
  created_by_key_name: string | null;
}

/** The only writer of `api_keys`. Every query but the lookup by hash is scoped by workspace. */
export function selectApiKeys(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.created_by_user_id')
    .leftJoin('api_keys as ck', (j) =>
      j.onRef('ck.id', '=', 'k.created_by_key_id').onRef('ck.workspace_id', '=', 'k.workspace_id'),
    )
    .select([
      'k.id',
      'k.workspace_id',
      'k.name',
      'k.role',
      'k.prefix',
      'k.created_at',
      'k.last_used_at',
      'k.expires_at',
      'k.rotated_at',
      'k.revoked_at',
      'k.created_by_user_id',
      'u.name as created_by_user_name',
      'k.created_by_key_id',
      'ck.name as created_by_key_name',
    ])
    .where('k.workspace_id', '=', workspaceId);
}

/** Every key of a workspace, newest first (revoked and expired ones too). */
export async function listApiKeyRows(db: DbOrTx, workspaceId: string): Promise<ApiKeyRow[]> {
  return selectApiKeys(db, workspaceId).orderBy('k.created_at', 'desc').orderBy('k.id').execute();
}

/** One key of a workspace, or undefined. */
export async function findApiKeyRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return selectApiKeys(db, workspaceId).where('k.id', '=', id).executeTakeFirst();
}

/** Locks one key of a workspace for an update in the caller's transaction; undefined when absent. */
export async function lockApiKey(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<{ role: MemberRole; revoked_at: Date | null; expires_at: Date | null } | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['role', 'revoked_at', 'expires_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export interface NewApiKeyRow {
  id: string;
  workspaceId: string;
  name: string;
  role: MemberRole;
  prefix: string;
  keyHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  createdByUserId: string | null;
  createdByKeyId: string | null;
}

export async function insertApiKey(db: DbOrTx, row: NewApiKeyRow): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: row.id,
      workspace_id: row.workspaceId,
      name: row.name,
      prefix: row.prefix,
      key_hash: row.keyHash,
      role: row.role,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
      created_by_user_id: row.createdByUserId,
      created_by_key_id: row.createdByKeyId,
    })
    .execute();
}

/** Replaces a key's secret (its hash and prefix); the old secret stops matching in the same statement. */
export async function replaceApiKeySecret(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  secret: { prefix: string; keyHash: string; at: Date },
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ prefix: secret.prefix, key_hash: secret.keyHash, rotated_at: secret.at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function markApiKeyRevoked(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The live key with this hash (not revoked, not expired at `now`), across workspaces: the hash is unique. */
export async function findLiveKeyByHash(
  db: DbOrTx,
  keyHash: string,
  now: Date,
): Promise<{ id: string; workspace_id: string; role: MemberRole; last_used_at: Date | null } | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'role', 'last_used_at'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
}

export async function touchApiKey(db: DbOrTx, id: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
