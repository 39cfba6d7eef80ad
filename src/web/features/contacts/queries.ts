import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { ContactDuplicatesDto } from '../../../contracts/api.schemas.ts';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { ContactMergeDto } from '../../../contracts/contact-merges.schemas.ts';
import type { SegmentDto } from '../../../contracts/segments.schemas.ts';
import { api, qs } from '../../lib/api.ts';
import type { Contact, ContactNote, Conversation, Message, Page } from '../../lib/types.ts';

/** A contact event recorded by an integration (`GET /contacts/{id}/events`). */
export interface ContactEventItem {
  id: string;
  name: string;
  at: string;
  properties: Record<string, unknown>;
}

/**
 * Every contact of the workspace, 100 a page (cursor), filtered by `q` (name, profile name, phone, wa_id), or the
 * contacts of a saved segment (`segmentId`; the search does not apply then).
 */
export function useContactList(q: string, segmentId: string | null = null) {
  return useInfiniteQuery({
    queryKey: ['contacts', 'list', segmentId ? { segmentId } : q],
    queryFn: ({ pageParam }) =>
      segmentId
        ? api<Page<Contact>>(
            `/segments/${segmentId}/contacts${qs({ limit: 100, cursor: pageParam ?? undefined })}`,
          )
        : api<Page<Contact>>(
            `/contacts${qs({ limit: 100, q: q || undefined, cursor: pageParam ?? undefined })}`,
          ),
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

/** Contacts that may be the same person as contact `id` (same number in another form, same name reading). */
export function useContactDuplicates(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['contacts', id, 'duplicates'],
    queryFn: () => api<ContactDuplicatesDto>(`/contacts/${id}/duplicates`).then((r) => r.data),
    enabled,
  });
}

/** The merges contact `id` took part in, newest first (its merge history). */
export function useContactMerges(id: string) {
  return useQuery({
    queryKey: ['contacts', id, 'merges'],
    queryFn: () => api<{ data: ContactMergeDto[] }>(`/contacts/${id}/merges`).then((r) => r.data),
  });
}

/** Merges contact `sourceContactId` into contact `survivorId`; every contact query is refreshed. */
export function useMergeContacts() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { survivorId: string; sourceContactId: string }) =>
      api<ContactMergeDto>(`/contacts/${v.survivorId}/merge`, {
        body: { sourceContactId: v.sourceContactId },
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['contacts'] }),
  });
}

/** Undoes a merge; every contact query is refreshed. */
export function useUndoMerge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) =>
      api<ContactMergeDto>(`/contacts/merges/${mergeId}/undo`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['contacts'] }),
  });
}

/** The workspace's saved segments. */
export function useSavedSegments() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: () => api<{ data: SegmentDto[] }>('/segments').then((r) => r.data),
  });
}

/** How many contacts a condition selects now and the first 20 (null condition: nothing asked). */
export function useSegmentPreview(condition: ConditionNode | null) {
  return useQuery({
    queryKey: ['segments', 'preview', condition],
    queryFn: () => api<{ count: number; sample: Contact[] }>('/segments/preview', { body: { condition } }),
    enabled: condition !== null,
    retry: false,
    placeholderData: keepPreviousData,
  });
}

/** Saves a segment: creates one, or updates `id`. */
export function useSaveSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string | null; name: string; condition: ConditionNode }) =>
      v.id
        ? api<SegmentDto>(`/segments/${v.id}`, {
            method: 'PATCH',
            body: { name: v.name, condition: v.condition },
          })
        : api<SegmentDto>('/segments', { body: { name: v.name, condition: v.condition } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['segments'] }),
  });
}

/** Deletes a saved segment. */
export function useDeleteSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`/segments/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['segments'] }),
  });
}
