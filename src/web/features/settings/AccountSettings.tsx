import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useSessionApi } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import { browserLocale, clearSavedLocale, setLocale } from '../../lib/i18n.ts';
import { PasswordChange } from './PasswordChange.tsx';

/** My display name and language (saved to the account, so it follows me to other browsers), and my password. */
export function AccountSettings() {
  const { t } = useTranslation();
  const session = useSession();
  const { changeLocale } = useSessionApi();
  const [name, setName] = useState(session.user.name);
  const [status, setStatus] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('/auth/me', { method: 'PATCH', body: { name } });
      setStatus(t('app.saved'));
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <>
      <form className="card form-grid" onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>{t('settings.account.name')}</span>
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.account.language')}</span>
          <select
            value={session.user.locale ?? 'auto'}
            onChange={(e) => {
              const v = e.target.value;
              if (v === 'ja' || v === 'en') void changeLocale(v);
              else {
                clearSavedLocale();
                void setLocale(browserLocale()).then(() => clearSavedLocale());
                void api('/auth/me', { method: 'PATCH', body: { locale: null } }).catch(() => undefined);
              }
            }}
          >
            <option value="auto">{t('settings.account.auto')}</option>
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </label>
        <div className="form-actions">
          <button type="submit" className="btn primary">
            {t('app.save')}
          </button>
          {status && (
            <span className="small" role="status">
              {status}
            </span>
          )}
        </div>
      </form>
      <PasswordChange />
    </>
  );
}
