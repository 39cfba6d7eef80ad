import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { AutomationDoc, AutomationInsight, AutomationState, AutomationVersion } from './types.ts';

/** Query keys of the automation screens. */
export const automationKeys = {
  state: ['automation'] as const,
  versions: ['automation', 'versions'] as const,
  insight: (days: number) => ['automation', 'insight', days] as const,
};

/** The active document, its version and the on/off switch. */
export function useAutomation() {
  return useQuery({
    queryKey: automationKeys.state,
    queryFn: () => api<AutomationState>('/automation'),
    staleTime: 30_000,
  });
}

/** Saved versions, newest first. */
export function useAutomationVersions() {
  return useQuery({
    queryKey: automationKeys.versions,
    queryFn: () => api<{ data: AutomationVersion[] }>('/automation/versions').then((r) => r.data),
  });
}

/** What automation did in the last `days` days. */
export function useAutomationInsight(days: number) {
  return useQuery({
    queryKey: automationKeys.insight(days),
    queryFn: () => api<AutomationInsight>(`/automation/insight?days=${days}`),
    staleTime: 60_000,
  });
}

/** Saves the whole document as a new version (422 `invalid_automation` lists the errors by path). */
export function saveAutomation(config: AutomationDoc, note: string): Promise<AutomationState> {
  return api<AutomationState>('/automation', {
    method: 'PUT',
    body: { config, ...(note.trim() ? { note: note.trim() } : {}) },
  });
}
