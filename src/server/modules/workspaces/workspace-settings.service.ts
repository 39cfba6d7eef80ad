/** The settings of a workspace (`/api/v1/workspace/settings`): today, contact archiving. */
import type { z } from 'zod';
import type {
  WorkspaceSettingsDto,
  WorkspaceSettingsUpdateSchema,
} from '../../../contracts/workspace-settings.schemas.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import { findWorkspaceSettings, updateWorkspaceSettings } from './workspaces.repository.ts';

export async function getWorkspaceSettings(
  deps: { db: Db },
  workspaceId: string,
): Promise<WorkspaceSettingsDto> {
  const row = await findWorkspaceSettings(deps.db, workspaceId);
  if (!row) throw notFound('Workspace');
  return { archiveInactiveAfterMonths: row.archive_inactive_after_months };
}

export async function changeWorkspaceSettings(
  deps: { db: Db },
  workspaceId: string,
  input: z.infer<typeof WorkspaceSettingsUpdateSchema>,
): Promise<WorkspaceSettingsDto> {
  await updateWorkspaceSettings(deps.db, workspaceId, {
    ...(input.archiveInactiveAfterMonths !== undefined
      ? { archive_inactive_after_months: input.archiveInactiveAfterMonths }
      : {}),
  });
  return getWorkspaceSettings(deps, workspaceId);
}
