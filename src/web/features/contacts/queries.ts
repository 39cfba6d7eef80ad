import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { ContactDuplicatesDto } from '../../../contracts/api.schemas.ts';
import type { AuditEntryDto } from '../../../contracts/audit.schemas.ts';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { ContactConsentView } from '../../../contracts/consent.schemas.ts';
import {
  bulkActionEnded,
  type BulkAction,
  type BulkTarget,
  type ContactBulkActionDto,
} from '../../../contracts/contact-bulk.schemas.ts';
import type { ContactImportDto } from '../../../contracts/contact-imports.schemas.ts';
import type { ContactMergeDto } from '../../../contracts/contact-merges.schemas.ts';
import type { SegmentDto } from '../../../contracts/segments.schemas.ts';
import type { TagHygieneDto } from '../../../contracts/tag-hygiene.schemas.ts';
import type { TagRuleDto } from '../../../contracts/tag-rules.schemas.ts';
import { api, apiBlob, qs } from '../../lib/api.ts';
import { patchContact } from '../../lib/cache.ts';
import { keys } from '../../lib/queries.ts';
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
 * contacts of a saved segment (`segmentId`; the search does not apply then). `archived`: only the contacts archived
 * as inactive (hidden from the default list and from segments), searched by `q` too.
 */
export function useContactList(q: string, segmentId: string | null = null, archived = false) {
  return useInfiniteQuery({
    queryKey: ['contacts', 'list', segmentId ? { segmentId } : q, archived],
    queryFn: ({ pageParam }) =>
      segmentId
        ? api<Page<Contact>>(
            `/segments/${segmentId}/contacts${qs({ limit: 100, cursor: pageParam ?? undefined })}`,
          )
        : api<Page<Contact>>(
            `/contacts${qs({
              limit: 100,
              q: q || undefined,
              archived: archived || undefined,
              cursor: pageParam ?? undefined,
            })}`,
          ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One contact; `initial` (the copy a conversation embeds) shows at once while the contact itself loads. */
export function useContact(id: string, initial?: Contact) {
  return useQuery({
    queryKey: keys.contact(id),
    queryFn: () => api<Contact>(`/contacts/${id}`),
    ...(initial ? { initialData: initial, initialDataUpdatedAt: 0 } : {}),
  });
}

/** The contact's conversations on every number. */
export function useContactConversations(id: string) {
  return useQuery({
    queryKey: keys.contactConversations(id),
    queryFn: () =>
      api<Page<Conversation>>(`/conversations${qs({ contactId: id, limit: 100 })}`).then((r) => r.data),
  });
}

/** Events integrations recorded for the contact. */
export function useContactEvents(id: string) {
  return useQuery({
    queryKey: keys.contactPart(id, 'events'),
    queryFn: () => api<{ data: ContactEventItem[] }>(`/contacts/${id}/events`).then((r) => r.data),
  });
}

/** Notes about the contact. */
export function useContactNotes(id: string) {
  return useQuery({
    queryKey: keys.contactNotes(id),
    queryFn: () => api<{ data: ContactNote[] }>(`/contacts/${id}/notes`).then((r) => r.data),
  });
}

/**
 * Edits a contact from its page: a tag added or removed, attributes set (null removes one), or a note added. The
 * contact's caches (this page's and the inbox panel's) take the answer; the lists are refreshed.
 */
export function useEditContact(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (
      v:
        | { kind: 'addTag' | 'removeTag'; tag: string }
        | { kind: 'attributes'; attributes: Record<string, unknown> }
        | { kind: 'note'; body: string },
    ): Promise<Contact | null> => {
      if (v.kind === 'note') {
        await api(`/contacts/${id}/notes`, { body: { body: v.body } });
        return null;
      }
      if (v.kind === 'attributes')
        return api<Contact>(`/contacts/${id}`, { method: 'PATCH', body: { attributes: v.attributes } });
      return api<Contact>(`/contacts/${id}/tags/${encodeURIComponent(v.tag)}`, {
        method: v.kind === 'addTag' ? 'PUT' : 'DELETE',
      });
    },
    onSuccess: (updated) => {
      if (updated) {
        patchContact(qc, updated);
        void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
        void qc.invalidateQueries({ queryKey: keys.tags });
      } else void qc.invalidateQueries({ queryKey: keys.contactNotes(id) });
    },
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
    queryKey: keys.contactPart(id, 'duplicates'),
    queryFn: () => api<ContactDuplicatesDto>(`/contacts/${id}/duplicates`).then((r) => r.data),
    enabled,
  });
}

/** The merges contact `id` took part in, newest first (its merge history). */
export function useContactMerges(id: string) {
  return useQuery({
    queryKey: keys.contactPart(id, 'merges'),
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
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.contacts }),
  });
}

/** Undoes a merge; every contact query is refreshed. */
export function useUndoMerge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) =>
      api<ContactMergeDto>(`/contacts/merges/${mergeId}/undo`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.contacts }),
  });
}

/** What an import is told besides its file: the `POST /contacts/imports` query. */
export interface ImportOptions {
  onExisting: 'update' | 'skip';
  encoding: 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'shift_jis';
  /** Country of numbers written without `+` (JP reads 090-1234-5678); empty: every number needs its `+`. */
  country: string;
}

/** Uploads a CSV file as an import (the server reads it streamed and answers its id at once). */
export function useStartImport() {
  return useMutation({
    mutationFn: (v: { file: File; options: ImportOptions }) =>
      api<{ id: string }>(
        `/contacts/imports${qs({
          onExisting: v.options.onExisting,
          encoding: v.options.encoding,
          country: v.options.country || undefined,
        })}`,
        { form: v.file },
      ),
  });
}

/** An import's progress and first row errors, asked every second until it is done or failed. */
export function useImport(id: string | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ['contact-imports', id],
    queryFn: async () => {
      const imp = await api<ContactImportDto>(`/contacts/imports/${id}`);
      if (imp.status === 'done') void qc.invalidateQueries({ queryKey: keys.contacts });
      return imp;
    },
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 1000),
  });
}

/** One contact's consent: the state per purpose and every change, newest first. */
export function useContactConsent(id: string) {
  return useQuery({
    queryKey: keys.contactPart(id, 'consent'),
    queryFn: () => api<ContactConsentView>(`/contacts/${id}/consent`),
  });
}

/** Records a consent change made by a person in the console (source `console`, the note kept as evidence). */
export function useRecordConsent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { purpose: 'marketing' | 'utility'; state: 'opted_in' | 'opted_out'; note: string }) =>
      api<ContactConsentView>(`/contacts/${id}/consent`, {
        body: { purpose: v.purpose, state: v.state, ...(v.note ? { evidence: { note: v.note } } : {}) },
      }),
    onSuccess: (view) => {
      qc.setQueryData(keys.contactPart(id, 'consent'), view);
      void qc.invalidateQueries({ queryKey: keys.contact(id) });
    },
  });
}

/** The audit entries about one contact (admins: merges, exports, consent changes made in the console). */
export function useContactAudit(id: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.contactPart(id, 'audit'),
    queryFn: () =>
      api<{ data: AuditEntryDto[] }>(
        `/audit-log${qs({ targetType: 'contact', targetId: id, limit: 50 })}`,
      ).then((r) => r.data),
    enabled,
  });
}

/** Erases a contact with their conversations and messages; the contact lists are refreshed. */
export function useEraseContact() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ erased: true; conversations: number; messages: number }>(`/contacts/${id}/erase`, {
        method: 'POST',
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      void qc.invalidateQueries({ queryKey: keys.conversations });
    },
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

/** The workspace's tag rules, by tag. */
export function useTagRules() {
  return useQuery({
    queryKey: ['tag-rules'],
    queryFn: () => api<{ data: TagRuleDto[] }>('/tag-rules').then((r) => r.data),
  });
}

/** Saves a tag rule (condition as text): creates one, or updates `id`. */
export function useSaveTagRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string | null; tag: string; condition: string; enabled: boolean }) =>
      v.id
        ? api<TagRuleDto>(`/tag-rules/${v.id}`, {
            method: 'PATCH',
            body: { tag: v.tag, condition: v.condition, enabled: v.enabled },
          })
        : api<TagRuleDto>('/tag-rules', { body: { tag: v.tag, condition: v.condition, enabled: v.enabled } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['tag-rules'] }),
  });
}

/** Runs a tag rule now; answers it with the run's counts. Rules, tags and contacts are refreshed. */
export function useRunTagRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<TagRuleDto>(`/tag-rules/${id}/run`, { method: 'POST' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['tag-rules'] });
      void qc.invalidateQueries({ queryKey: keys.contacts });
    },
  });
}

/** Deletes a tag rule (and the tags it added). */
export function useDeleteTagRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`/tag-rules/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['tag-rules'] });
      void qc.invalidateQueries({ queryKey: keys.contacts });
    },
  });
}

/** The tag hygiene report (asked only once it is opened). */
export function useTagHygiene(enabled: boolean) {
  return useQuery({
    queryKey: ['tags', 'hygiene'],
    queryFn: () => api<TagHygieneDto>('/tags/hygiene'),
    enabled,
  });
}

/** A declared pair of conflicting tags, as stored. */
export interface TagConflictPair {
  a: string;
  b: string;
  keep: 'a' | 'b' | null;
}

/** The declared conflicting pairs. */
export function useTagConflicts(enabled: boolean) {
  return useQuery({
    queryKey: ['tags', 'conflicts'],
    queryFn: () => api<{ data: TagConflictPair[] }>('/tags/conflicts').then((r) => r.data),
    enabled,
  });
}

/**
 * The hygiene actions: replace the conflict pairs, resolve conflicts, delete a tag, merge one into another. Each
 * refreshes the report, the pairs and the contacts.
 */
export function useTagAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (
      v:
        | { kind: 'conflicts'; pairs: TagConflictPair[] }
        | { kind: 'resolve' }
        | { kind: 'delete'; tag: string }
        | { kind: 'merge'; from: string; to: string },
    ) =>
      v.kind === 'conflicts'
        ? api<unknown>('/tags/conflicts', { method: 'PUT', body: v.pairs })
        : v.kind === 'resolve'
          ? api<unknown>('/tags/conflicts/resolve', { method: 'POST' })
          : v.kind === 'delete'
            ? api<unknown>(`/tags/${encodeURIComponent(v.tag)}/delete`, { method: 'POST' })
            : api<unknown>('/tags/merge', { body: { from: v.from, to: v.to } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['tags'] });
      void qc.invalidateQueries({ queryKey: keys.contacts });
    },
  });
}

/** Starts a bulk action (`POST /contacts/bulk`); answers its id. */
export function useStartBulkAction() {
  return useMutation({
    mutationFn: (v: { target: BulkTarget; action: BulkAction }) =>
      api<{ id: string }>('/contacts/bulk', { body: v }),
  });
}

/** A bulk action's progress, asked every second until it has ended (null id: nothing asked). */
export function useBulkActionStatus(id: string | null) {
  return useQuery({
    queryKey: ['contacts', 'bulk', id],
    queryFn: () => api<ContactBulkActionDto>(`/contacts/bulk/${id}`),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && bulkActionEnded(q.state.data.status) ? false : 1000),
  });
}

/** Cancels a bulk action; its answer (status `cancelled`, how far it got) replaces the polled status. */
export function useCancelBulkAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<ContactBulkActionDto>(`/contacts/bulk/${id}/cancel`, { method: 'POST' }),
    onSuccess: (a) => qc.setQueryData(['contacts', 'bulk', a.id], a),
  });
}

/**
 * After a bulk action: the contact list, the contacts' pages and inbox panels (everything under ['contacts']) and
 * the tags show its changes.
 */
export function useRefreshAfterBulk() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.contacts });
    void qc.invalidateQueries({ queryKey: keys.tags });
  };
}

/** The CSV of chosen contacts (`POST /contacts/export`), as a file to save. */
export function exportSelectionCsv(contactIds: string[], encoding: ExportEncoding = 'utf-8'): Promise<Blob> {
  return apiBlob('/contacts/export', { contactIds, encoding });
}

/** The encodings an export is written in: UTF-8 with a BOM, or Shift_JIS for older Japanese Excel. */
export type ExportEncoding = 'utf-8' | 'shift_jis';

/** The address of the CSV of a segment's contacts, or of every contact (`GET /contacts/export`). */
export function exportCsvUrl(segmentId: string | null, encoding: ExportEncoding = 'utf-8'): string {
  return `/api/v1/contacts/export${qs({ encoding, segmentId: segmentId ?? undefined })}`;
}
