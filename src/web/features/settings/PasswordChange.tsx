import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { signInErrorText } from '../auth/sign-in-errors.ts';
import { PasswordField } from '../../components/PasswordField.tsx';

/** Change my password (the current one is required; my other sessions end). */
export function PasswordChange() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) return setStatus({ ok: false, text: t('password.mismatch') });
    try {
      await api('/auth/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setRepeat('');
      setStatus({ ok: true, text: t('password.changed') });
    } catch (err) {
      setStatus({ ok: false, text: signInErrorText(err, t) });
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)}>
      <h3>{t('password.changeTitle')}</h3>
      <PasswordField label={t('password.current')} kind="current" value={current} onChange={setCurrent} />
      <PasswordField label={t('password.new')} kind="new" value={next} onChange={setNext} />
      <PasswordField label={t('password.repeat')} kind="new" value={repeat} onChange={setRepeat} />
      <div className="form-actions">
        <button type="submit" className="btn primary">
          {t('password.change')}
        </button>
        {status && (
          <span className={status.ok ? 'small' : 'small form-error'} role={status.ok ? 'status' : 'alert'}>
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
