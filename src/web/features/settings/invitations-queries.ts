import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Invitation, PendingInvitation } from '../../lib/types.ts';

/** Query key of the pending invitations. */
export const pendingInvitationsKey = ['invitations', 'pending'] as const;

/** Pending invitations (not accepted, not expired); admins only. */
export function usePendingInvitations() {
  return useQuery({
    queryKey: pendingInvitationsKey,
    queryFn: () => api<{ data: PendingInvitation[] }>('/invitations').then((r) => r.data),
  });
}

/** A new one-time link for a pending invitation (the previous link stops working). */
export function useReissueInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Invitation>(`/invitations/${id}/link`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: pendingInvitationsKey }),
  });
}

/** Revokes a pending invitation. */
export function useRevokeInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/invitations/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: pendingInvitationsKey }),
  });
}
