import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from '../lib/api.ts';
import { setLocale, type Locale } from '../lib/i18n.ts';
import type { LoginResult, Me, Role } from '../lib/types.ts';

/** Who is signed in, in which workspace, with which role. */
export interface Session {
  userId: string;
  role: Role;
  user: { id: string; email: string; name: string; locale: string | null };
  workspace: { id: string; name: string };
  workspaces: Array<{ id: string; name: string; role: Role }>;
}

type State =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'signed-in'; session: Session };

interface SessionApi {
  state: State;
  /** Adopts the body of login / accept-invite / switch-workspace. */
  signedIn(result: LoginResult): void;
  logout(): Promise<void>;
  switchWorkspace(workspaceId: string): Promise<void>;
  /** Changes the language now and remembers it for this user. */
  changeLocale(locale: Locale): Promise<void>;
}

const Ctx = createContext<SessionApi | null>(null);

/** Admins and owners see settings; agents see the inbox. */
export function isAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

function fromLogin(r: LoginResult): Session {
  return {
    userId: r.user.id,
    role: r.workspace.role,
    user: { ...r.user, locale: r.user.locale ?? null },
    workspace: { id: r.workspace.id, name: r.workspace.name },
    workspaces: r.workspaces,
  };
}

/** `/auth/me` (older servers answer only ids and role: fill the gaps). */
function fromMe(me: Partial<Me> & { workspaceId: string; role: Role; userId: string | null }): Session {
  const ws = me.workspaces ?? [];
  return {
    userId: me.userId ?? '',
    role: me.role,
    user: me.user ?? { id: me.userId ?? '', email: '', name: '', locale: null },
    workspace: me.workspace ?? {
      id: me.workspaceId,
      name: ws.find((w) => w.id === me.workspaceId)?.name ?? '',
    },
    workspaces: ws,
  };
}

function adoptLocale(session: Session): void {
  const l = session.user.locale;
  if (l === 'ja' || l === 'en') void setLocale(l);
}

/** Loads the session once (`GET /auth/me`) and keeps it; a 401 anywhere returns to the sign-in screen. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const queryClient = useQueryClient();

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      queryClient.clear();
      setState((s) => (s.status === 'signed-in' ? { status: 'anonymous', expired: true } : s));
    });
    api<Me>('/auth/me', { anonymous: true })
      .then((me) => {
        setCsrfToken(me.csrfToken);
        const session = fromMe(me);
        adoptLocale(session);
        setState({ status: 'signed-in', session });
      })
      .catch(() => setState({ status: 'anonymous', expired: false }));
    return () => setUnauthenticatedHandler(null);
  }, [queryClient]);

  const signedIn = useCallback((r: LoginResult) => {
    setCsrfToken(r.csrfToken);
    const session = fromLogin(r);
    adoptLocale(session);
    setState({ status: 'signed-in', session });
    // login's body may predate user.locale: ask /auth/me for the full picture
    api<Me>('/auth/me')
      .then((me) => {
        const full = fromMe(me);
        adoptLocale(full);
        setState({
          status: 'signed-in',
          session: {
            ...session,
            ...full,
            workspaces: full.workspaces.length ? full.workspaces : session.workspaces,
          },
        });
      })
      .catch(() => undefined);
  }, []);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      signedIn,
      async logout() {
        await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
        setCsrfToken(null);
        queryClient.clear();
        setState({ status: 'anonymous', expired: false });
      },
      async switchWorkspace(workspaceId) {
        const r = await api<LoginResult>('/auth/switch-workspace', { body: { workspaceId } });
        queryClient.clear();
        signedIn(r);
      },
      async changeLocale(locale) {
        await setLocale(locale);
        if (state.status === 'signed-in') {
          setState({
            status: 'signed-in',
            session: { ...state.session, user: { ...state.session.user, locale } },
          });
          await api('/auth/me', { method: 'PATCH', body: { locale } }).catch(() => undefined);
        }
      },
    }),
    [state, signedIn, queryClient],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The session API; throws outside the provider. */
export function useSessionApi(): SessionApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSessionApi outside SessionProvider');
  return v;
}

/** The signed-in session (only inside signed-in screens). */
export function useSession(): Session {
  const { state } = useSessionApi();
  if (state.status !== 'signed-in') throw new Error('useSession without a session');
  return state.session;
}
