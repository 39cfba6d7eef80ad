import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { patchContact, patchConversation } from '../../src/web/lib/cache.ts';
import { keys } from '../../src/web/lib/queries.ts';
import type { Contact, Conversation, Page } from '../../src/web/lib/types.ts';

type Pages = InfiniteData<Page<Conversation>, string | null>;

const conv = (id: string, status: Conversation['status']) =>
  ({ id, status, lastMessageAt: '2026-12-07T07:00:00.000Z' }) as Conversation;
const pages = (...rows: Conversation[]): Pages => ({
  pages: [{ data: rows, nextCursor: null }],
  pageParams: [null],
});

describe('live patches of cached conversation lists', () => {
  it('leaves a list without the conversation as it was, so an invalidated list is still fetched again', async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } });
    const openList = [...keys.conversations, { status: 'open' }];
    const snoozedList = [...keys.conversations, { status: 'snoozed' }];
    qc.setQueryData(openList, pages(conv('b', 'open')));
    qc.setQueryData(snoozedList, pages(conv('a', 'snoozed')));

    // Conversation a reopened: the lists are invalidated (neither is on screen, so nothing refetches).
    await qc.invalidateQueries({ queryKey: keys.conversations, refetchType: 'none' });
    const before = qc.getQueryState(openList);
    expect(before?.isInvalidated).toBe(true);

    // A later event about a (the open list does not hold it) must not make the open list look fresh.
    expect(patchConversation(qc, 'a', { status: 'open' })).toBe(true);
    const after = qc.getQueryState(openList);
    expect(after?.isInvalidated).toBe(true);
    expect(after?.dataUpdatedAt).toBe(before?.dataUpdatedAt);
    expect(qc.getQueryData<Pages>(openList)?.pages[0]?.data.map((c) => c.id)).toEqual(['b']);
    expect(qc.getQueryData<Pages>(snoozedList)?.pages[0]?.data[0]?.status).toBe('open');
  });

  it('moves a conversation with a new message to the top of the lists that hold it', () => {
    const qc = new QueryClient();
    const list = [...keys.conversations, { status: 'open' }];
    qc.setQueryData(list, pages(conv('b', 'open'), conv('a', 'open')));
    expect(patchConversation(qc, 'a', { lastMessagePreview: 'new' }, true)).toBe(true);
    expect(qc.getQueryData<Pages>(list)?.pages[0]?.data.map((c) => c.id)).toEqual(['a', 'b']);
    expect(patchConversation(qc, 'zzz', { lastMessagePreview: 'x' })).toBe(false);
    expect(qc.getQueryData(keys.conversation('zzz'))).toBeUndefined();
  });

  it('gives an edited contact to its page, its conversations in every list and their details, and nothing else', () => {
    const qc = new QueryClient();
    const withContact = (id: string, contactId: string) =>
      ({ ...conv(id, 'open'), contactId, contact: { id: contactId, name: 'old' } }) as Conversation;
    const list = [...keys.conversations, { status: 'open' }];
    const other = [...keys.conversations, { status: 'resolved' }];
    qc.setQueryData(list, pages(withContact('a', 'c1'), withContact('b', 'c2')));
    qc.setQueryData(other, pages(withContact('d', 'c2')));
    qc.setQueryData(keys.conversation('a'), withContact('a', 'c1'));
    qc.setQueryData(keys.conversation('b'), withContact('b', 'c2'));
    const otherBefore = qc.getQueryData(other);
    const bBefore = qc.getQueryData(keys.conversation('b'));

    patchContact(qc, { id: 'c1', name: '山田 花子', tags: ['VIP'] } as Contact);
    expect(qc.getQueryData<Contact>(keys.contact('c1'))?.name).toBe('山田 花子');
    expect(qc.getQueryData<Pages>(list)?.pages[0]?.data.map((c) => c.contact?.name)).toEqual([
      '山田 花子',
      'old',
    ]);
    expect(qc.getQueryData<Conversation>(keys.conversation('a'))?.contact?.name).toBe('山田 花子');
    expect(qc.getQueryData<Conversation>(keys.conversation('b'))?.contact?.name).toBe('old');
    expect(qc.getQueryData(other)).toBe(otherBefore);
    expect(qc.getQueryData(keys.conversation('b'))).toBe(bBefore);
  });
});
