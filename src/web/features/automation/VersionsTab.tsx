import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { userName, useUsers } from '../../lib/queries.ts';
import { useAutomationVersions } from './queries.ts';
import type { AutomationState, AutomationVersion } from './types.ts';

/** Saved versions with their notes; an admin can roll back to one (saved as a new version). */
export function VersionsTab({
  canEdit,
  dirty,
  onRolledBack,
}: {
  canEdit: boolean;
  dirty: boolean;
  onRolledBack: (s: AutomationState) => void;
}) {
  const { t, i18n } = useTranslation();
  const versions = useAutomationVersions();
  const users = useUsers().data;
  const [confirm, setConfirm] = useState<AutomationVersion | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const rollback = async (v: AutomationVersion) => {
    setBusy(true);
    setError(null);
    try {
      onRolledBack(await api<AutomationState>('/automation/rollback', { body: { version: v.version } }));
      setConfirm(null);
      void versions.refetch();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const list = versions.data ?? [];
  return (
    <div>
      {list.length === 0 && !versions.isLoading && <p className="muted">{t('automation.versions.none')}</p>}
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('automation.versions.version')}</th>
              <th>{t('automation.versions.note')}</th>
              <th>{t('automation.versions.author')}</th>
              <th>{t('automation.versions.created')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td>
                  v{v.version}{' '}
                  {v.active && (
                    <span className="status-pill status-open">{t('automation.versions.active')}</span>
                  )}
                </td>
                <td>{v.note ?? ''}</td>
                <td>
                  {userName(users, v.authorUserId) ?? (v.authorUserId ? '' : t('automation.versions.system'))}
                </td>
                <td>{formatDateTime(v.createdAt, i18n.language)}</td>
                <td className="actions">
                  {canEdit && !v.active && (
                    <button type="button" className="btn small" onClick={() => setConfirm(v)}>
                      {t('automation.versions.rollback')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {confirm && (
        <Dialog
          title={t('automation.versions.confirmTitle', { version: confirm.version })}
          onClose={() => setConfirm(null)}
        >
          <p>{t('automation.versions.confirmBody', { version: confirm.version })}</p>
          {dirty && <p className="form-error">{t('automation.versions.discardsDraft')}</p>}
          <div className="form-actions">
            <button
              type="button"
              className="btn primary"
              disabled={busy}
              onClick={() => void rollback(confirm)}
            >
              {t('automation.versions.rollback')}
            </button>
            <button type="button" className="btn subtle" onClick={() => setConfirm(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
