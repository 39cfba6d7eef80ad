import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, type AuditEntryDto } from '../../../contracts/audit.schemas.ts';
import { api, qs } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useUsers } from '../../lib/queries.ts';

/** The workspace's audit log (owners and admins): who did what, when and from where, newest first. */
export function AuditSettings() {
  const { t, i18n } = useTranslation();
  const users = useUsers();
  const [action, setAction] = useState('');
  const log = useInfiniteQuery({
    queryKey: ['audit-log', action],
    queryFn: ({ pageParam }) =>
      api<{ data: AuditEntryDto[]; nextCursor: string | null }>(
        `/audit-log${qs({ action, cursor: pageParam, limit: 50 })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const nameOf = (id: string | null) =>
    (id && users.data?.find((u) => u.id === id)?.name) ?? (id ? id.slice(0, 8) : '—');
  const actorText = (e: AuditEntryDto) =>
    e.actor.type === 'system'
      ? t('settings.audit.system')
      : e.actor.type === 'api_key'
        ? t('settings.audit.apiKey', { id: e.actor.id?.slice(0, 8) ?? '' })
        : e.actor.id
          ? nameOf(e.actor.id)
          : t('settings.audit.unknown');
  const entries = log.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div>
      <label className="field inline">
        <span>{t('settings.audit.action')}</span>
        <select value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">{t('settings.audit.allActions')}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t(`settings.audit.actions.${a}`)}
            </option>
          ))}
        </select>
      </label>
      <table className="table audit-table">
        <thead>
          <tr>
            <th>{t('settings.audit.when')}</th>
            <th>{t('settings.audit.who')}</th>
            <th>{t('settings.audit.what')}</th>
            <th>{t('settings.audit.target')}</th>
            <th>{t('settings.audit.from')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td>{formatDateTime(e.occurredAt, i18n.language)}</td>
              <td>{actorText(e)}</td>
              <td>{t(`settings.audit.actions.${e.action}`)}</td>
              <td>
                {e.target
                  ? e.target.type === 'user'
                    ? nameOf(e.target.id)
                    : `${e.target.type} ${e.target.id ?? ''}`
                  : ''}
              </td>
              <td className="small muted" title={e.userAgent ?? undefined}>
                {e.ip ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!log.isLoading && entries.length === 0 && <p className="muted">{t('settings.audit.empty')}</p>}
      {log.hasNextPage && (
        <button type="button" className="btn subtle" onClick={() => void log.fetchNextPage()}>
          {t('settings.audit.more')}
        </button>
      )}
    </div>
  );
}
