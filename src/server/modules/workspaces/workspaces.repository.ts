/** SQL of the `workspaces` table's settings columns (the table is written only by this module). */
import type { DbOrTx } from '../../db/types.ts';

export function findWorkspaceSettings(
  db: DbOrTx,
  workspaceId: string,
): Promise<{ archive_inactive_after_months: number | null } | undefined> {
  return db
    .selectFrom('workspaces')
    .select('archive_inactive_after_months')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
}

export async function updateWorkspaceSettings(
  db: DbOrTx,
  workspaceId: string,
  set: { archive_inactive_after_months?: number | null },
): Promise<void> {
  if (Object.keys(set).length === 0) return;
  await db.updateTable('workspaces').set(set).where('id', '=', workspaceId).execute();
}
