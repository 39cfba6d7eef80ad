import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import { useSessionApi } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import type { InvitationPreview, LoginResult } from '../../lib/types.ts';

/** `/invite/:token`: the one-time link of an invitation — choose a name and password, then signed in. */
export function InvitePage({ token }: { token: string }) {
  const { t } = useTranslation();
  const { signedIn } = useSessionApi();
  const invite = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<InvitationPreview>(`/invitations/${encodeURIComponent(token)}`, { anonymous: true }),
    retry: false,
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<LoginResult>('/auth/accept-invite', {
        body: { token, name, password },
        anonymous: true,
      });
      signedIn(r);
      navigate('/inbox', { replace: true });
    } catch (err) {
      setError(err instanceof Error ? err.message : t('app.error'));
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={submit}>
        {invite.isLoading && <p>{t('app.loading')}</p>}
        {invite.isError && (
          <p className="form-error" role="alert">
            {t('invite.invalid')}
          </p>
        )}
        {invite.data && (
          <>
            <h1>{t('invite.title', { workspace: invite.data.workspaceName })}</h1>
            <p className="muted">
              {t('invite.subtitle', {
                role: t(`settings.users.roles.${invite.data.role}`),
                email: invite.data.email,
              })}
            </p>
            <label className="field">
              <span>{t('invite.name')}</span>
              <input required value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
            </label>
            <label className="field">
              <span>{t('invite.password')}</span>
              <input
                type="password"
                required
                minLength={10}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="new-password"
              />
            </label>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button className="btn primary wide" type="submit">
              {t('invite.accept')}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
