import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceSettingsDto } from '../../../contracts/workspace-settings.schemas.ts';
import { api } from '../../lib/api.ts';

/*
 * The workspace's own settings (`/api/v1/workspace/settings`, docs/api.md "Archiving inactive contacts"): every
 * role reads them, owners and admins change them.
 */

/** Months of inactivity the API accepts for archiving (`WorkspaceSettingsSchema`; a test keeps them equal). */
export const ARCHIVE_MONTHS = { min: 1, max: 120 } as const;

const key = ['workspace-settings'] as const;

/** The workspace's settings. */
export function useWorkspaceSettings() {
  return useQuery({ queryKey: key, queryFn: () => api<WorkspaceSettingsDto>('/workspace/settings') });
}

/** Changes some of the settings; the answer (all of them) replaces the cached ones. */
export function useSaveWorkspaceSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<WorkspaceSettingsDto>) =>
      api<WorkspaceSettingsDto>('/workspace/settings', { method: 'PATCH', body: patch }),
    onSuccess: (s) => qc.setQueryData(key, s),
  });
}
