import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhoneNumbers, useTags, useTeams, useUsers } from '../../lib/queries.ts';
import type { InboxFilters } from './filters.ts';

/** Search box, status tabs and the filter selects of the list. */
export function FilterBar({
  filters,
  onChange,
}: {
  filters: InboxFilters;
  onChange: (f: InboxFilters) => void;
}) {
  const { t } = useTranslation();
  const numbers = usePhoneNumbers().data ?? [];
  const users = useUsers().data ?? [];
  const teams = useTeams().data ?? [];
  const tags = useTags().data ?? [];
  const [q, setQ] = useState(filters.q);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    setQ(filters.q);
  }, [filters.q]);
  useEffect(() => {
    if (q === filters.q) return;
    const timer = setTimeout(() => onChange({ ...filters, q }), 250);
    return () => clearTimeout(timer);
  }, [q, filters, onChange]);

  const set = (patch: Partial<InboxFilters>) => onChange({ ...filters, ...patch });
  const active =
    [filters.number, filters.assignee, filters.team, filters.tag].filter(Boolean).length +
    (filters.unread ? 1 : 0);

  return (
    <div className="filter-bar">
      <div className="list-title-row">
        <h1 className="list-title">{t(`nav.${filters.view}`)}</h1>
        <button
          type="button"
          className={`btn subtle small ${active ? 'has-count' : ''}`}
          aria-expanded={open}
          aria-controls="filters"
          onClick={() => setOpen(!open)}
        >
          {t('inbox.filters')}
          {active > 0 && <span className="badge">{active}</span>}
        </button>
      </div>
      <input
        id="inbox-search"
        className="search"
        type="search"
        placeholder={t('inbox.search')}
        aria-label={t('inbox.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div className="status-tabs" role="tablist" aria-label={t('inbox.status')}>
        {(['open', 'pending', 'snoozed', 'resolved', 'any'] as const).map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={filters.status === s}
            className={filters.status === s ? 'active' : ''}
            onClick={() => set({ status: s })}
          >
            {s === 'any' ? t('inbox.anyStatus') : t(`status.${s}`)}
          </button>
        ))}
      </div>
      {open && (
        <div className="filters" id="filters">
          <select
            aria-label={t('inbox.number')}
            value={filters.number}
            onChange={(e) => set({ number: e.target.value })}
          >
            <option value="">{t('inbox.anyNumber')}</option>
            {numbers.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label ? `${n.label} (${n.displayPhoneNumber})` : n.displayPhoneNumber}
              </option>
            ))}
          </select>
          {filters.view === 'all' && (
            <select
              aria-label={t('inbox.assignee')}
              value={filters.assignee}
              onChange={(e) => set({ assignee: e.target.value })}
            >
              <option value="">{t('inbox.anyAssignee')}</option>
              <option value="none">{t('inbox.nobody')}</option>
              {users
                .filter((u) => !u.deactivatedAt)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name || u.email}
                  </option>
                ))}
            </select>
          )}
          {teams.length > 0 && (
            <select
              aria-label={t('inbox.team')}
              value={filters.team}
              onChange={(e) => set({ team: e.target.value })}
            >
              <option value="">{t('inbox.anyTeam')}</option>
              {teams.map((tm) => (
                <option key={tm.id} value={tm.id}>
                  {tm.name}
                </option>
              ))}
            </select>
          )}
          <select
            aria-label={t('inbox.tag')}
            value={filters.tag}
            onChange={(e) => set({ tag: e.target.value })}
          >
            <option value="">{t('inbox.anyTag')}</option>
            {tags.map((tg) => (
              <option key={tg.name} value={tg.name}>
                {tg.name} ({tg.count})
              </option>
            ))}
          </select>
          <label className="check small">
            <input
              type="checkbox"
              checked={filters.unread}
              onChange={(e) => set({ unread: e.target.checked })}
            />{' '}
            {t('inbox.unreadOnly')}
          </label>
          {active > 0 && (
            <button
              type="button"
              className="link-button small"
              onClick={() => set({ number: '', assignee: '', team: '', tag: '', unread: false })}
            >
              {t('inbox.clearFilters')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
