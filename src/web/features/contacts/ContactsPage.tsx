import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.tsx';
import { Link, useLocation } from '../../app/router.tsx';
import { isAdmin, useSession } from '../../app/session.tsx';
import { BulkBar, RowCheckbox, useBulkSelection } from './BulkActions.tsx';
import { ContactImport } from './ContactImport.tsx';
import { ContactPage, StartConversation } from './ContactPage.tsx';
import { ExportDialog } from './ExportDialog.tsx';
import { useContactList, useSavedSegments } from './queries.ts';
import { SegmentsPanel } from './SegmentBuilder.tsx';
import { TagsPanel } from './TagsPanel.tsx';

const ROW_HEIGHT = 56;

/**
 * Contacts: every contact of the workspace in a virtualized, cursor-paged list with a search box (`q`) or filtered
 * by a saved segment, or the contacts archived as inactive (a toggle; segments never hold them), the segments panel (saved segments and the builder with its live count), the tags panel (tag
 * rules and the hygiene report), and one contact's page at `/contacts/{id}`. Admins also import a CSV
 * (`/contacts/import`) and export the list, or the chosen segment, as CSV for Excel (UTF-8 or Shift_JIS).
 */
export function ContactsPage({
  contactId,
  importId,
}: {
  contactId: string | null;
  importId?: string | null;
}) {
  if (contactId === 'import') return <ContactImport importId={importId ?? null} />;
  if (contactId) return <ContactPage id={contactId} />;
  return <ContactList />;
}

function ContactList() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [archived, setArchived] = useState(false);
  const [showSegments, setShowSegments] = useState(false);
  const [showTags, setShowTags] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [starting, setStarting] = useState(false);
  const admin = isAdmin(useSession().role);
  const erased = /[?&]erased=(\d+)-(\d+)/.exec(useLocation().search);
  const segments = useSavedSegments();
  const exportSegment = (segments.data ?? []).find((s) => s.id === segmentId);
  const q = useDeferredValue(search.trim());
  const list = useContactList(q, archived ? null : segmentId, archived);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const selection = useBulkSelection();
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.length - 20 && list.hasNextPage && !list.isFetchingNextPage)
      void list.fetchNextPage();
  }, [last, rows.length, list]);

  return (
    <div className="contacts-page">
      <header className="contacts-head">
        <h1>{t('contacts.title')}</h1>
        <input
          type="search"
          className="contacts-search"
          aria-label={t('contacts.search')}
          placeholder={t('contacts.search')}
          value={search}
          disabled={segmentId !== null && !archived}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          aria-label={t('contacts.segmentFilter')}
          value={segmentId ?? ''}
          disabled={archived}
          onChange={(e) => setSegmentId(e.target.value || null)}
        >
          <option value="">{t('contacts.allContacts')}</option>
          {(segments.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className={`btn ${archived ? 'primary' : ''}`}
          aria-pressed={archived}
          onClick={() => setArchived((v) => !v)}
        >
          {t('contacts.archivedFilter')}
        </button>
        <button
          type="button"
          className="btn"
          aria-expanded={showSegments}
          onClick={() => setShowSegments((v) => !v)}
        >
          {t('contacts.segments')}
        </button>
        <button type="button" className="btn" aria-expanded={showTags} onClick={() => setShowTags((v) => !v)}>
          {t('contacts.tagsButton')}
        </button>
        <button type="button" className="btn" onClick={() => setStarting(true)}>
          {t('contacts.newConversation.open')}
        </button>
        {admin && (
          <>
            <Link href="/contacts/import" className="btn">
              {t('contacts.import.open')}
            </Link>
            <button type="button" className="btn" onClick={() => setExporting(true)}>
              {t('contacts.export.open')}
            </button>
          </>
        )}
      </header>
      {erased && (
        <p className="banner" role="status">
          {t('contacts.privacy.erased', { conversations: Number(erased[1]), messages: Number(erased[2]) })}
        </p>
      )}
      {starting && (
        <Dialog title={t('contacts.newConversation.title')} onClose={() => setStarting(false)}>
          <p className="small muted">{t('contacts.newConversation.help')}</p>
          <StartConversation to={null} />
        </Dialog>
      )}
      {exporting && (
        <ExportDialog
          target={
            exportSegment
              ? { kind: 'segment', id: exportSegment.id, name: exportSegment.name }
              : { kind: 'all' }
          }
          onClose={() => setExporting(false)}
        />
      )}
      <BulkBar
        selection={selection}
        loadedIds={rows.map((r) => r.id)}
        segmentId={archived ? null : segmentId}
        archived={archived}
      />
      {showSegments && <SegmentsPanel selected={segmentId} onSelect={setSegmentId} />}
      {showTags && <TagsPanel />}
      {archived && <p className="small muted">{t('contacts.archivedHint')}</p>}
      {list.isSuccess && rows.length === 0 && (
        <p className="list-status">{archived ? t('contacts.archivedEmpty') : t('contacts.empty')}</p>
      )}
      <div className="contacts-scroller" ref={scroller} role="list" aria-label={t('contacts.title')}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const c = rows[item.index]!;
            return (
              <div
                key={c.id}
                role="listitem"
                className="contact-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <RowCheckbox selection={selection} contact={c} />
                <Link href={`/contacts/${c.id}`} className="contact-link">
                  <span className="contact-name">{c.name ?? c.profileName ?? c.phone ?? c.waId}</span>
                  <span className="small muted mono">{c.phone ?? `+${c.waId}`}</span>
                  {c.archivedAt && (
                    <span className="chip archived-chip">
                      {t('contacts.archivedOn', {
                        date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(
                          new Date(c.archivedAt),
                        ),
                      })}
                    </span>
                  )}
                  <span className="contact-tags">
                    {c.tags.map((tag) => (
                      <span key={tag} className="chip" data-content>
                        {tag}
                      </span>
                    ))}
                  </span>
                </Link>
              </div>
            );
          })}
        </div>
      </div>
      {list.isFetchingNextPage && <p className="list-status">{t('app.loading')}</p>}
    </div>
  );
}
