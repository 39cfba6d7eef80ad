import { useCallback, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { matchPath, navigate, useLocation } from '../../app/router.tsx';
import { ConversationView } from '../conversation/ConversationView.tsx';
import { ConversationList } from './ConversationList.tsx';
import { FilterBar } from './FilterBar.tsx';
import { filtersToApi, filtersToSearch, parseFilters, type InboxFilters } from './filters.ts';

/**
 * The shared inbox: list (views, filters, search) and the open conversation side by side; at phone width one
 * at a time. J/K (or Alt+↓/↑) move through the list, R focuses the reply box.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const { pathname, search } = useLocation();
  const filters = parseFilters(search);
  const selectedId = matchPath('/inbox/:id', pathname)?.id ?? null;
  const ids = useRef<string[]>([]);
  const setIds = useCallback((l: string[]) => {
    ids.current = l;
  }, []);

  const setFilters = useCallback(
    (f: InboxFilters) =>
      navigate(`${selectedId ? `/inbox/${selectedId}` : '/inbox'}${filtersToSearch(f)}`, { replace: true }),
    [selectedId],
  );
  const open = useCallback((id: string) => navigate(`/inbox/${id}${search}`), [search]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      const typing = !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');
      const step =
        (e.altKey && e.key === 'ArrowDown') ||
        (!typing && !e.altKey && !e.ctrlKey && !e.metaKey && e.key === 'j')
          ? 1
          : (e.altKey && e.key === 'ArrowUp') ||
              (!typing && !e.altKey && !e.ctrlKey && !e.metaKey && e.key === 'k')
            ? -1
            : 0;
      if (step !== 0) {
        const list = ids.current;
        if (list.length === 0) return;
        e.preventDefault();
        const i = selectedId ? list.indexOf(selectedId) : -1;
        const next = list[Math.max(0, Math.min(list.length - 1, i + step))];
        if (next && next !== selectedId) open(next);
        return;
      }
      if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'r' || e.key === 'R')) {
        const box = document.getElementById('composer-input');
        if (box) {
          e.preventDefault();
          box.focus();
        }
      } else if (!typing && e.key === '/') {
        e.preventDefault();
        document.getElementById('inbox-search')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectedId, open]);

  return (
    <div className={`inbox ${selectedId ? 'has-selection' : ''}`}>
      <section className="list-pane" aria-label={t('inbox.title')}>
        <FilterBar filters={filters} onChange={setFilters} />
        {/* One list per filter: a tab switch mounts it anew, so it shows the cached rows and asks again. */}
        <ConversationList
          key={JSON.stringify(filtersToApi(filters))}
          filters={filters}
          selectedId={selectedId}
          onOpen={open}
          onIds={setIds}
        />
      </section>
      <main className="conversation-pane">
        {selectedId ? (
          <ConversationView key={selectedId} id={selectedId} onBack={() => navigate(`/inbox${search}`)} />
        ) : (
          <div className="empty-state">
            <div className="empty-illustration" aria-hidden="true">
              💬
            </div>
            <h2>{t('inbox.selectConversation')}</h2>
            <p className="muted">{t('inbox.selectHint')}</p>
          </div>
        )}
      </main>
    </div>
  );
}
