import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkspaceSettingsDto } from '../../../contracts/workspace-settings.schemas.ts';
import { isAdmin, useSession } from '../../app/session.tsx';
import { errorText } from '../../lib/errors.ts';
import { ARCHIVE_MONTHS, useSaveWorkspaceSettings, useWorkspaceSettings } from './workspace-queries.ts';

/**
 * The workspace's settings: archiving contacts inactive for N months (off by default), with what archiving does.
 * Owners and admins change it; other roles would see it read only (the API refuses their changes).
 */
export function WorkspaceSettings() {
  const { t } = useTranslation();
  const settings = useWorkspaceSettings();
  if (settings.isError)
    return (
      <p className="form-error" role="alert">
        {errorText(settings.error, t)}
      </p>
    );
  if (!settings.data) return <p className="list-status">{t('app.loading')}</p>;
  return <ArchiveForm saved={settings.data} />;
}

/** The archiving form, started from the saved settings. */
function ArchiveForm({ saved }: { saved: WorkspaceSettingsDto }) {
  const { t } = useTranslation();
  const canEdit = isAdmin(useSession().role);
  const save = useSaveWorkspaceSettings();
  const [on, setOn] = useState(saved.archiveInactiveAfterMonths !== null);
  const [months, setMonths] = useState(String(saved.archiveInactiveAfterMonths ?? 12));
  const [status, setStatus] = useState('');
  const n = Number(months);
  const valid = !on || (/^\d+$/.test(months.trim()) && n >= ARCHIVE_MONTHS.min && n <= ARCHIVE_MONTHS.max);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    if (!valid) return;
    save.mutate(
      { archiveInactiveAfterMonths: on ? n : null },
      { onSuccess: () => setStatus(t('app.saved')) },
    );
  };
  return (
    <form
      className="card form-grid workspace-settings"
      onSubmit={submit}
      aria-label={t('settings.workspace.archive')}
    >
      <h3>{t('settings.workspace.archive')}</h3>
      <fieldset className="plain-fieldset" disabled={!canEdit}>
        <label className="check">
          <input
            type="checkbox"
            checked={on}
            onChange={(e) => {
              setOn(e.target.checked);
              setStatus('');
            }}
          />
          {t('settings.workspace.archiveOn')}
        </label>
        <label className="field narrow">
          <span>{t('settings.workspace.months')}</span>
          <input
            type="number"
            min={ARCHIVE_MONTHS.min}
            max={ARCHIVE_MONTHS.max}
            step={1}
            disabled={!on}
            aria-invalid={!valid}
            value={months}
            onChange={(e) => {
              setMonths(e.target.value);
              setStatus('');
            }}
          />
          <span
            className={valid ? 'small muted' : 'field-hint-error small'}
            role={valid ? undefined : 'alert'}
          >
            {t('settings.workspace.monthsRange', ARCHIVE_MONTHS)}
          </span>
        </label>
      </fieldset>
      <p className="small muted">{t('settings.workspace.archiveExplain')}</p>
      <p className="small muted">{t('settings.workspace.archiveFind')}</p>
      {save.isError && (
        <p className="form-error" role="alert">
          {errorText(save.error, t)}
        </p>
      )}
      {canEdit ? (
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={save.isPending || !valid}>
            {t('app.save')}
          </button>
          {status && (
            <span className="small" role="status">
              {status}
            </span>
          )}
        </div>
      ) : (
        <p className="small muted">{t('settings.adminOnly')}</p>
      )}
    </form>
  );
}
