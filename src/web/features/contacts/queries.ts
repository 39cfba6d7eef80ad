import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api, qs } from '../../lib/api.ts';
import type { Contact, ContactNote, Conversation, Message, Page } from '../../lib/types.ts';

/** A contact event recorded by an integration (`GET /contacts/{id}/events`). */
export interface ContactEventItem {
  id: string;
  name: string;
  at: string;
  properties: Record<string, unknown>;
}

/** Every contact of the workspace, 100 a page (cursor), filtered by `q` (name, profile name, phone, wa_id). */
export function useContactList(q: string) {
  return useInfiniteQuery({
    queryKey: ['contacts', 'list', q],
    queryFn: ({ pageParam }) =>
      api<Page<Contact>>(`/contacts${qs({ limit: 100, q: q || undefined, cursor: pageParam ?? undefined })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One contact. */
export function useContact(id: string) {
  return useQuery({ queryKey: ['contacts', id], queryFn: () => api<Contact>(`/contacts/${id}`) });
}

/** The contact's conversations on every number. */
export function useContactConversations(id: string) {
  return useQuery({
    queryKey: ['contacts', id, 'conversations'],
    queryFn: () =>
      api<Page<Conversation>>(`/conversations${qs({ contactId: id, limit: 100 })}`).then((r) => r.data),
  });
}

/** Events integrations recorded for the contact. */
export function useContactEvents(id: string) {
  return useQuery({
    queryKey: ['contacts', id, 'events'],
    queryFn: () => api<{ data: ContactEventItem[] }>(`/contacts/${id}/events`).then((r) => r.data),
  });
}

/** Notes about the contact. */
export function useContactNotes(id: string) {
  return useQuery({
    queryKey: ['contacts', id, 'notes'],
    queryFn: () => api<{ data: ContactNote[] }>(`/contacts/${id}/notes`).then((r) => r.data),
  });
}

/** Starts a conversation: an approved template from one of the numbers (outside any 24 h window). */
export function useStartConversation() {
  return useMutation({
    mutationFn: (v: { phoneNumberId: string; to: string; template: string; language: string }) =>
      api<Message>('/messages', {
        body: {
          phoneNumberId: v.phoneNumberId,
          to: v.to,
          type: 'template',
          template: { name: v.template, language: { code: v.language } },
        },
      }),
  });
}
