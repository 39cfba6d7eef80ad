import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, MemberRole } from '../../db/types.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import type { Principal } from './principal.ts';

/** API keys look like `tsk_<43 chars>`; only their SHA-256 is stored, plus a short prefix to recognise them. */
export async function createApiKey(
  db: DbOrTx,
  clock: Clock,
  input: { workspaceId: string; name: string; role: MemberRole },
): Promise<{ id: string; key: string }> {
  const key = randomToken('tsk_');
  const id = newId();
  await db
    .insertInto('api_keys')
    .values({
      id,
      workspace_id: input.workspaceId,
      name: input.name,
      prefix: key.slice(0, 8),
      key_hash: sha256Hex(key),
      role: input.role,
      created_at: clock.now(),
    })
    .execute();
  return { id, key };
}

/** Resolves a presented key to a principal, or null. Constant-time by construction: lookup by hash. */
export async function authenticateApiKey(db: Db, clock: Clock, key: string): Promise<Principal | null> {
  if (!key.startsWith('tsk_')) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'role', 'last_used_at'])
    .where('key_hash', '=', sha256Hex(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  // Record use at most once a minute per key, so hot API clients don't write on every request.
  const now = clock.now();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
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
