import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import { useSessionApi } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import type { InvitationPreview, LoginResult } from '../../lib/types.ts';
import { signInErrorText } from './sign-in-errors.ts';
import { PasswordField } from '../../components/PasswordField.tsx';

/**
 * `/invite/:token`: the one-time link of an invitation. A new e-mail chooses a name and password; an e-mail
 * that already has an account signs in as it first (its password is never sent with the invitation) and
 * then joins the workspace.
 */
export function InvitePage({ token }: { token: string }) {
  const { t } = useTranslation();
  const { state, signedIn } = useSessionApi();
  const invite = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<InvitationPreview>(`/invitations/${encodeURIComponent(token)}`, { anonymous: true }),
    retry: false,
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const signedInEmail = state.status === 'signed-in' ? state.session.user.email.toLowerCase() : null;

  const accept = async (body: Record<string, string>, anonymous: boolean) => {
    const r = await api<LoginResult>('/auth/accept-invite', { body: { token, ...body }, anonymous });
    signedIn(r);
    navigate('/inbox', { replace: true });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      if (!invite.data?.existingAccount) return await accept({ name, password }, true);
      if (signedInEmail !== invite.data.email) {
        signedIn(
          await api<LoginResult>('/auth/login', {
            body: { email: invite.data.email, password },
            anonymous: true,
          }),
        );
      }
      await accept({}, false);
    } catch (err) {
      setError(signInErrorText(err, t));
    }
  };

  const data = invite.data;
  const otherAccount = data?.existingAccount && signedInEmail !== null && signedInEmail !== data.email;
  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        {invite.isLoading && <p>{t('app.loading')}</p>}
        {invite.isError && (
          <p className="form-error" role="alert">
            {t('invite.invalid')}
          </p>
        )}
        {data && (
          <>
            <h1>{t('invite.title', { workspace: data.workspaceName })}</h1>
            <p className="muted">
              {t('invite.subtitle', { role: t(`settings.users.roles.${data.role}`), email: data.email })}
            </p>
            {data.existingAccount ? (
              <p role="status">
                {signedInEmail === data.email
                  ? t('invite.joinAs', { email: data.email })
                  : t('invite.signInFirst', { email: data.email })}
                {otherAccount && ` ${t('invite.otherAccount', { email: signedInEmail })}`}
              </p>
            ) : (
              <label className="field">
                <span>{t('invite.name')}</span>
                <input required value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
              </label>
            )}
            {(!data.existingAccount || signedInEmail !== data.email) && (
              <PasswordField
                label={data.existingAccount ? t('auth.password') : t('invite.password')}
                kind={data.existingAccount ? 'current' : 'new'}
                value={password}
                onChange={setPassword}
              />
            )}
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button className="btn primary wide" type="submit">
              {!data.existingAccount
                ? t('invite.accept')
                : signedInEmail === data.email
                  ? t('invite.join')
                  : t('invite.signInAndJoin')}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
