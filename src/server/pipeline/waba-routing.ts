import type { DbOrTx } from '../db/types.ts';
import type { PreferenceChange } from './webhook-routing.ts';

/**
 * Which workspaces a WABA-level webhook belongs to. A WABA id is typed in by tenants and is not unique, so it
 * alone proves nothing: only workspaces whose numbers on that WABA were verified with the Graph API (the token
 * reaches the number, the number is on the WABA) receive its updates — every such workspace, in a fixed order
 * (earliest verification first, then workspace id), so replays apply them identically.
 */
export async function workspacesOfWaba(db: DbOrTx, wabaId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('phone_numbers')
    .select(['workspace_id', (eb) => eb.fn.min('verified_at').as('first_verified_at')])
    .where('waba_id', '=', wabaId)
    .where('deleted_at', 'is', null)
    .where('verified_at', 'is not', null)
    .groupBy('workspace_id')
    .orderBy('first_verified_at')
    .orderBy('workspace_id')
    .execute();
  return rows.map((r) => r.workspace_id);
}

/**
 * The workspaces a `user_preferences` update applies to: the workspace of the registered number named in its
 * `metadata.phone_number_id` (a number lives in one workspace), else {@link workspacesOfWaba}.
 */
export async function workspacesOfPreference(db: DbOrTx, p: PreferenceChange): Promise<string[]> {
  if (p.phoneNumberId) {
    const row = await db
      .selectFrom('phone_numbers')
      .select('workspace_id')
      .where('phone_number_id', '=', p.phoneNumberId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (row) return [row.workspace_id];
  }
  return p.wabaId ? workspacesOfWaba(db, p.wabaId) : [];
}
