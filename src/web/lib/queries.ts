import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from './api.ts';
import type { Page, PhoneNumber, QuickReply, Team, Template, User } from './types.ts';

/*
 * Reference data every screen shares (numbers, users, teams, tags, quick replies, templates), cached by
 * TanStack Query. Endpoints a server does not have yet answer 404: the console then shows nothing for them.
 */

async function listOrEmpty<T>(path: string): Promise<T[]> {
  try {
    return (await api<{ data: T[] }>(path)).data;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return [];
    throw e;
  }
}

export const keys = {
  phoneNumbers: ['phone-numbers'] as const,
  users: ['users'] as const,
  teams: ['teams'] as const,
  tags: ['tags'] as const,
  quickReplies: ['quick-replies'] as const,
  templates: (phoneNumberId: string) => ['templates', phoneNumberId] as const,
  conversations: ['conversations'] as const,
  conversation: (id: string) => ['conversation', id] as const,
  messages: (id: string) => ['messages', id] as const,
  activities: (id: string) => ['activities', id] as const,
  // Everything about one contact lives under ['contacts', id]: invalidating ['contacts'] (after a merge, an
  // import, a bulk action) refreshes the contact page and the inbox panel alike.
  contacts: ['contacts'] as const,
  contact: (id: string) => ['contacts', id] as const,
  contactPart: (id: string, part: string) => ['contacts', id, part] as const,
  contactNotes: (id: string) => ['contacts', id, 'notes'] as const,
  contactConversations: (id: string) => ['contacts', id, 'conversations'] as const,
};

const LONG = 5 * 60_000;

/** The workspace's WhatsApp numbers (rarely change: cached for five minutes). */
export function usePhoneNumbers() {
  return useQuery({
    queryKey: keys.phoneNumbers,
    queryFn: () => api<{ data: PhoneNumber[] }>('/phone-numbers').then((r) => r.data),
    staleTime: LONG,
  });
}

/** The workspace's members, for assignment and filters; empty for roles that may not list them. */
export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: () => listOrEmpty<User>('/users'), staleTime: LONG });
}

/** The workspace's teams, for routing and filters; empty for roles that may not list them. */
export function useTeams() {
  return useQuery({ queryKey: keys.teams, queryFn: () => listOrEmpty<Team>('/teams'), staleTime: LONG });
}

/** Tags in use with their contact counts (refreshed every minute). */
export function useTags() {
  return useQuery({
    queryKey: keys.tags,
    queryFn: () => listOrEmpty<{ name: string; count: number }>('/tags'),
    staleTime: 60_000,
  });
}

/** Saved quick replies for the composer's `/` shortcut. */
export function useQuickReplies() {
  return useQuery({
    queryKey: keys.quickReplies,
    queryFn: () => listOrEmpty<QuickReply>('/quick-replies'),
    staleTime: LONG,
  });
}

/** Message templates of the WhatsApp Business account behind a number; idle until a number is chosen. */
export function useTemplates(phoneNumberId: string | undefined) {
  return useQuery({
    queryKey: keys.templates(phoneNumberId ?? ''),
    queryFn: () =>
      listOrEmpty<Template>(`/templates?phoneNumberId=${encodeURIComponent(phoneNumberId ?? '')}`),
    enabled: !!phoneNumberId,
    staleTime: LONG,
  });
}

/** A display name for a user id (the list may be unavailable to the role). */
export function userName(users: User[] | undefined, id: string | null | undefined): string | null {
  if (!id) return null;
  const u = users?.find((x) => x.id === id);
  return u ? u.name || u.email : null;
}

export type { Page };
