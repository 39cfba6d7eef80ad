import { useQuery } from '@tanstack/react-query';
import type { TemplateDto, TemplateEventDto } from '../../../contracts/template.schemas.ts';
import { api } from '../../lib/api.ts';

export const templateKeys = {
  all: ['templates'] as const,
  list: ['templates', 'list'] as const,
  alerts: ['templates', 'alerts'] as const,
};

/**
 * Every template of the workspace's WhatsApp Business Accounts. While one is in review the list refreshes every
 * few seconds, so the status changes on screen soon after the review webhook arrives.
 */
export function useTemplateList() {
  return useQuery({
    queryKey: templateKeys.list,
    queryFn: () => api<{ data: TemplateDto[] }>('/templates').then((r) => r.data),
    refetchInterval: (q) => (q.state.data?.some((t) => t.status === 'PENDING') ? 2_000 : false),
  });
}

/** Unacknowledged template alerts (refreshed with the list while something is in review). */
export function useTemplateAlerts(pending: boolean) {
  return useQuery({
    queryKey: templateKeys.alerts,
    queryFn: () => api<{ data: TemplateEventDto[] }>('/templates/alerts').then((r) => r.data),
    refetchInterval: pending ? 2_000 : false,
  });
}
