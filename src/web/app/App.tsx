import { useTranslation } from 'react-i18next';
import { InvitePage } from '../features/auth/InvitePage.tsx';
import { LoginPage } from '../features/auth/LoginPage.tsx';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage.tsx';
import { AppShell } from './AppShell.tsx';
import { matchPath, navigate, useLocation } from './router.tsx';
import { useSessionApi } from './session.tsx';

/** Top-level routing: invitation and password-reset links, and sign-in for visitors, the shell (inbox, settings) once signed in. */
export function App() {
  const { t } = useTranslation();
  const { state } = useSessionApi();
  const { pathname } = useLocation();
  const invite = matchPath('/invite/:token', pathname);
  const reset = matchPath('/reset-password/:token', pathname);
  if (reset?.token) return <ResetPasswordPage token={reset.token} />;
  if (state.status === 'loading' && invite?.token)
    return (
      <div className="center-screen" role="status">
        {t('app.loading')}
      </div>
    );
  // After the session check, so an existing account that is signed in can accept into itself.
  if (invite?.token) return <InvitePage token={invite.token} />;
  if (state.status === 'loading')
    return (
      <div className="center-screen" role="status">
        {t('app.loading')}
      </div>
    );
  if (state.status === 'anonymous') {
    if (pathname !== '/login' && pathname !== '/') {
      // Come back here after signing in.
      sessionStorage.setItem('tsunagi.returnTo', pathname + window.location.search);
    }
    return <LoginPage expired={state.expired} />;
  }
  if (pathname === '/' || pathname === '/login') {
    const back = sessionStorage.getItem('tsunagi.returnTo');
    sessionStorage.removeItem('tsunagi.returnTo');
    queueMicrotask(() => navigate(back ?? '/inbox', { replace: true }));
    return null;
  }
  return <AppShell session={state.session} />;
}
