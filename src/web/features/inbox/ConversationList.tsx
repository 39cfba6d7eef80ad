import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../lib/api.ts';
import { keys, usePhoneNumbers, useUsers } from '../../lib/queries.ts';
import type { Conversation, Page } from '../../lib/types.ts';
import { useNow } from '../../lib/useNow.ts';
import { ConversationRow } from './ConversationRow.tsx';
import { filtersToApi, type InboxFilters } from './filters.ts';

const PAGE = 50;
const ROW_HEIGHT = 78;

/**
 * The conversation list: cursor-paginated (50 per page, the next page loads as the end scrolls into view) and
 * virtualized, so 10,000+ conversations stay smooth: only the visible rows are in the DOM.
 */
export function ConversationList({
  filters,
  selectedId,
  onOpen,
  onIds,
}: {
  filters: InboxFilters;
  selectedId: string | null;
  onOpen: (id: string) => void;
  onIds: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const params = filtersToApi(filters);
  const query = useInfiniteQuery({
    queryKey: [...keys.conversations, params],
    queryFn: ({ pageParam, signal }) =>
      api<Page<Conversation>>(
        `/conversations${qs({ ...params, limit: PAGE, cursor: pageParam ?? undefined })}`,
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // A tab switch shows the cached rows at once and asks again: a live event may have moved a conversation into
    // this list while it was not on screen.
    refetchOnMount: 'always',
  });
  const rows = useMemo(() => {
    const seen = new Set<string>();
    return (query.data?.pages ?? [])
      .flatMap((p) => p.data)
      .filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
  }, [query.data]);
  useEffect(() => {
    onIds(rows.map((r) => r.id));
  }, [rows, onIds]);

  const numbers = usePhoneNumbers().data;
  const users = useUsers().data;
  const now = useNow();
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.length - 10 && query.hasNextPage && !query.isFetchingNextPage)
      void query.fetchNextPage();
  }, [last, rows.length, query]);

  // Keep the selected row in view when J/K moves the selection.
  useEffect(() => {
    const i = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;
    if (i >= 0) virtual.scrollToIndex(i, { align: 'auto' });
  }, [selectedId, rows, virtual]);

  if (query.isLoading)
    return (
      <div className="list-status" role="status">
        {t('app.loading')}
      </div>
    );
  if (query.isError)
    return (
      <div className="list-status" role="alert">
        {t('app.error')}{' '}
        <button type="button" className="link-button" onClick={() => void query.refetch()}>
          {t('app.retry')}
        </button>
      </div>
    );
  const searching = filters.q.trim() !== '';
  if (rows.length === 0)
    return searching ? (
      <div className="list-status" role="status">
        <p>{t('inbox.noResults')}</p>
        <p className="small muted">{t('inbox.searchScope')}</p>
      </div>
    ) : (
      <div className="list-status">
        <p>{t('inbox.empty')}</p>
        <p className="small muted">{t('inbox.emptyHint')}</p>
      </div>
    );
  return (
    <div className="conversation-list" ref={scroller} data-testid="conversation-list">
      {searching && <p className="list-status small muted">{t('inbox.searchScope')}</p>}
      <ul
        className="virtual-inner"
        role="list"
        aria-label={t('inbox.title')}
        style={{ height: virtual.getTotalSize() }}
      >
        {items.map((item) => {
          const c = rows[item.index] as Conversation;
          return (
            <li
              key={c.id}
              data-index={item.index}
              aria-setsize={query.hasNextPage ? -1 : rows.length}
              aria-posinset={item.index + 1}
              className="virtual-row"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              <ConversationRow
                conversation={c}
                selected={c.id === selectedId}
                onOpen={onOpen}
                now={now}
                numbers={numbers}
                users={users}
              />
            </li>
          );
        })}
      </ul>
      {query.isFetchingNextPage && <div className="list-status small">{t('inbox.loadingMore')}</div>}
    </div>
  );
}
