import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, qs } from '../../lib/api.ts';
import { patchConversation, upsertMessage } from '../../lib/cache.ts';
import { keys } from '../../lib/queries.ts';
import type { Activity, Conversation, Message, Page } from '../../lib/types.ts';

/** One conversation (kept fresh by realtime events). */
export function useConversation(id: string) {
  return useQuery({
    queryKey: keys.conversation(id),
    queryFn: () => api<Conversation>(`/conversations/${id}`),
  });
}

/** History, newest first in pages of 50; older pages load on demand. */
export function useMessages(id: string) {
  return useInfiniteQuery({
    queryKey: keys.messages(id),
    queryFn: ({ pageParam }) =>
      api<Page<Message>>(`/conversations/${id}/messages${qs({ limit: 50, cursor: pageParam ?? undefined })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  });
}

/** Internal notes and changes (assignment, status…); empty on servers without the endpoint. */
export function useActivities(id: string) {
  return useQuery({
    queryKey: keys.activities(id),
    queryFn: async () => {
      try {
        return (await api<Page<Activity>>(`/conversations/${id}/activities?limit=100`)).data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return [];
        throw e;
      }
    },
  });
}

/** PATCH a conversation (status, assignee, team, priority, snooze); the result is applied everywhere. */
export function useUpdateConversation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: Record<string, unknown>) =>
      api<Conversation>(`/conversations/${id}`, { method: 'PATCH', body: patch }),
    onSuccess: (c) => {
      patchConversation(qc, id, c);
      void qc.invalidateQueries({ queryKey: keys.conversations });
      void qc.invalidateQueries({ queryKey: keys.activities(id) });
    },
  });
}

/** Sends a message in the Cloud API's shape; the queued message shows at once and ticks forward live. */
export function useSendMessage(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Message>(`/conversations/${id}/messages`, { body }),
    onSuccess: (m) => {
      upsertMessage(qc, m);
      patchConversation(qc, id, { waitingSince: null });
    },
  });
}

/** Adds an internal note (never sent to WhatsApp). */
export function useAddNote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api<Activity>(`/conversations/${id}/notes`, { body: { body } }),
    onSuccess: (a) =>
      qc.setQueryData<Activity[]>(keys.activities(id), (list) => [
        a,
        ...(list ?? []).filter((x) => x.id !== a.id),
      ]),
  });
}

/** Marks read (unread count 0; the server also sends WhatsApp's mark-as-read). */
export async function markRead(qc: ReturnType<typeof useQueryClient>, id: string): Promise<void> {
  patchConversation(qc, id, { unreadCount: 0 });
  try {
    const c = await api<Conversation>(`/conversations/${id}/read`, { method: 'POST' });
    patchConversation(qc, id, { unreadCount: c.unreadCount });
  } catch {
    // a read marker is best effort
  }
}
