import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db } from '../../db/types.ts';
import { hashPassword, randomToken } from '../../lib/crypto.ts';
import { createApiKey } from '../api-keys/api-keys.service.ts';

export interface CreatedWorkspace {
  workspaceId: string;
  apiKey: string;
  email: string;
  password: string;
}

/**
 * Creates a workspace with an owner login and an owner API key (what `tsunagi workspace create` prints).
 * An existing user (same email) becomes the owner of the new workspace; their password is not changed and the
 * returned password is then empty.
 */
export async function createWorkspace(
  db: Db,
  clock: Clock,
  input: { name: string; email?: string; password?: string; ownerName?: string; timezone?: string },
): Promise<CreatedWorkspace> {
  const workspaceId = newId();
  const email = (input.email ?? `owner+${workspaceId.slice(-12)}@tsunagi.local`).toLowerCase();
  const password = input.password ?? randomToken('', 12);
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (tx) => {
    const now = clock.now();
    await tx
      .insertInto('workspaces')
      .values({
        id: workspaceId,
        name: input.name,
        created_at: now,
        ...(input.timezone ? { timezone: input.timezone } : {}),
      })
      .execute();
    const existing = await tx
      .selectFrom('users')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
      .executeTakeFirst();
    const userId = existing?.id ?? newId();
    if (!existing) {
      await tx
        .insertInto('users')
        .values({
          id: userId,
          email,
          name: input.ownerName ?? 'Owner',
          password_hash: passwordHash,
          locale: null,
          created_at: now,
        })
        .execute();
    }
    await tx
      .insertInto('memberships')
      .values({ workspace_id: workspaceId, user_id: userId, role: 'owner', created_at: now })
      .execute();
    const { key } = await createApiKey(tx, clock, { workspaceId, name: 'initial', role: 'owner' });
    return { workspaceId, apiKey: key, email, password: existing ? '' : password };
  });
}
