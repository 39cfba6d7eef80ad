import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import type { LoginResult } from '../../lib/types.ts';
import { useSessionApi } from '../../app/session.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { signInErrorText } from './sign-in-errors.ts';

/** Email/password sign-in, saying how long to wait after repeated failures. */
export function LoginPage({ expired }: { expired: boolean }) {
  const { t } = useTranslation();
  const { signedIn } = useSessionApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(expired ? t('auth.sessionExpired') : null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signedIn(await api<LoginResult>('/auth/login', { body: { email, password }, anonymous: true }));
    } catch (err) {
      setError(signInErrorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            つ
          </span>{' '}
          Tsunagi つなぎ
        </div>
        <h1 id="login-title">{t('auth.title')}</h1>
        <p className="muted">{t('auth.subtitle')}</p>
        <label className="field">
          <span>{t('auth.email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button className="btn primary wide" type="submit" disabled={busy}>
          {busy ? t('auth.signingIn') : t('auth.signIn')}
        </button>
        <p className="small muted">{t('auth.demoHint')}</p>
        <LanguageSwitch />
      </form>
    </div>
  );
}
