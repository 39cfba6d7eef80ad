import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { keys } from './queries.ts';
import type { Contact, Conversation, Message, Page } from './types.ts';

/*
 * Cache surgery for live updates: realtime events and mutation results patch what is on screen at once, so
 * a new message shows without refetching lists.
 */

type Pages<T> = InfiniteData<Page<T>, string | null>;

/**
 * Applies `patch` to conversation `id` wherever it is cached (lists and detail); true if a list had it. A list
 * that does not hold the conversation is left alone: writing to a query marks it fresh, and a list invalidated
 * by an earlier event (a conversation moved into it) must still be fetched again when it is next shown.
 */
export function patchConversation(
  qc: QueryClient,
  id: string,
  patch: Partial<Conversation>,
  moveToTop = false,
): boolean {
  let found = false;
  qc.setQueryData<Conversation>(keys.conversation(id), (c) => (c ? { ...c, ...patch } : undefined));
  qc.setQueriesData<Pages<Conversation>>({ queryKey: keys.conversations }, (data) => {
    if (!data?.pages.some((p) => p.data.some((c) => c.id === id))) return undefined;
    let hit: Conversation | null = null;
    const pages = data.pages.map((p) => ({
      ...p,
      data: p.data.flatMap((c) => {
        if (c.id !== id) return [c];
        hit = { ...c, ...patch };
        found = true;
        return moveToTop ? [] : [hit];
      }),
    }));
    if (moveToTop && hit && pages[0]) pages[0] = { ...pages[0], data: [hit, ...pages[0].data] };
    return { ...data, pages };
  });
  return found;
}

/**
 * A contact changed (name, tags, attributes, consent): its own query and every cached conversation that embeds
 * it take the new copy, so the contact page, the inbox panel and the conversation headers agree.
 */
export function patchContact(qc: QueryClient, contact: Contact): void {
  qc.setQueryData<Contact>(keys.contact(contact.id), contact);
  const embeds = (c: Conversation) => c.contactId === contact.id;
  qc.setQueriesData<Conversation>({ queryKey: ['conversation'] }, (c) =>
    c && embeds(c) ? { ...c, contact } : undefined,
  );
  qc.setQueriesData<Pages<Conversation>>({ queryKey: keys.conversations }, (data) => {
    if (!data?.pages.some((p) => p.data.some(embeds))) return undefined;
    return {
      ...data,
      pages: data.pages.map((p) => ({ ...p, data: p.data.map((c) => (embeds(c) ? { ...c, contact } : c)) })),
    };
  });
}

/** Inserts (or replaces) a message in its conversation's history, keeping newest first. */
export function upsertMessage(qc: QueryClient, m: Message): void {
  qc.setQueryData<Pages<Message>>(keys.messages(m.conversationId), (data) => {
    if (!data) return data;
    let replaced = false;
    const pages = data.pages.map((p) => ({
      ...p,
      data: p.data.map((x) => {
        if (x.id !== m.id) return x;
        replaced = true;
        return m;
      }),
    }));
    if (!replaced && pages[0]) pages[0] = { ...pages[0], data: [m, ...pages[0].data] };
    return { ...data, pages };
  });
}

/** Changes a cached message (status updates). Returns the message if it is cached. */
export function patchMessage(
  qc: QueryClient,
  conversationId: string,
  id: string,
  patch: Partial<Message>,
): Message | null {
  let hit: Message | null = null;
  qc.setQueryData<Pages<Message>>(keys.messages(conversationId), (data) => {
    if (!data) return data;
    return {
      ...data,
      pages: data.pages.map((p) => ({
        ...p,
        data: p.data.map((x) => {
          if (x.id !== id) return x;
          hit = { ...x, ...patch };
          return hit;
        }),
      })),
    };
  });
  return hit;
}
