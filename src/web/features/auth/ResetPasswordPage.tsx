import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import { useSessionApi } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import type { LoginResult } from '../../lib/types.ts';
import { PasswordField } from '../../components/PasswordField.tsx';

/** `/reset-password/:token`: the one-time link an admin (or the server operator) issued — set a new password. */
export function ResetPasswordPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const { signedIn } = useSessionApi();
  const reset = useQuery({
    queryKey: ['password-reset', token],
    queryFn: () =>
      api<{ email: string; expiresAt: string }>(`/password-resets/${encodeURIComponent(token)}`, {
        anonymous: true,
      }),
    retry: false,
  });
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password !== repeat) return setError(t('password.mismatch'));
    try {
      signedIn(
        await api<LoginResult>('/auth/reset-password', { body: { token, password }, anonymous: true }),
      );
      navigate('/inbox', { replace: true });
    } catch (err) {
      setError(err instanceof Error ? err.message : t('app.error'));
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        {reset.isLoading && <p>{t('app.loading')}</p>}
        {reset.isError && (
          <p className="form-error" role="alert">
            {t('password.resetInvalid')}
          </p>
        )}
        {reset.data && (
          <>
            <h1>{t('password.resetTitle')}</h1>
            <p className="muted">{t('password.resetFor', { email: reset.data.email })}</p>
            <PasswordField label={t('password.new')} kind="new" value={password} onChange={setPassword} />
            <PasswordField label={t('password.repeat')} kind="new" value={repeat} onChange={setRepeat} />
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button className="btn primary wide" type="submit">
              {t('password.resetSubmit')}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
