import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InboxPage } from '../features/inbox/InboxPage.tsx';
import { useRealtime } from '../features/realtime/useRealtime.ts';
import { SettingsPage } from '../features/settings/SettingsPage.tsx';
import { ContactsPage } from '../features/contacts/ContactsPage.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { ShortcutsDialog } from '../components/ShortcutsDialog.tsx';
import { api } from '../lib/api.ts';
import {
  notificationsSupported,
  requestNotifications,
  setSoundEnabled,
  setTitleCount,
  soundEnabled,
} from '../lib/notify.ts';
import type { Conversation, Page } from '../lib/types.ts';
import { AVAILABILITIES, sendPresence, usePresence } from './presence.ts';
import { Link, matchPath, useLocation } from './router.tsx';
import { isAdmin, useSessionApi, type Session } from './session.tsx';

/** Automation screens: their own chunk, loaded when first opened. */
const AutomationPage = lazy(() => import('../features/automation/AutomationPage.tsx'));
/** Message templates: their own chunk too. */
const TemplatesPage = lazy(() => import('../features/templates/TemplatesPage.tsx'));
/** Campaigns: their own chunk (the funnel chart loads ECharts' chunk when first drawn). */
const CampaignsPage = lazy(() => import('../features/campaigns/CampaignsPage.tsx'));
/** Analytics: its own chunk (and ECharts a further one), loaded when first opened. */
const AnalyticsPage = lazy(() => import('../features/analytics/AnalyticsPage.tsx'));

/** The signed-in frame: navigation rail (inbox views, settings, account), live updates, and the page. */
export function AppShell({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { pathname, search } = useLocation();
  const api_ = useSessionApi();
  const connected = useRealtime(session);
  const [help, setHelp] = useState(false);
  const [sound, setSound] = useState(soundEnabled());
  const view = new URLSearchParams(search).get('view') ?? 'all';
  const [availability, setAvailability] = usePresence(session.workspace.id);

  const unread = useQuery({
    queryKey: ['unread-mine'],
    queryFn: () => api<Page<Conversation>>('/conversations?view=mine&unread=true&limit=100'),
    staleTime: 10_000,
  });
  const unreadCount = (unread.data?.data ?? [])
    .filter((c) => c.assigneeId === session.userId)
    .reduce((n, c) => n + c.unreadCount, 0);
  useEffect(() => {
    setTitleCount(unreadCount);
  }, [unreadCount]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      const typing =
        el &&
        (el.tagName === 'INPUT' ||
          el.tagName === 'TEXTAREA' ||
          el.tagName === 'SELECT' ||
          el.isContentEditable);
      if (!typing && e.key === '?' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        setHelp(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Automation lives under /settings/ (a path the server already serves the console for).
  const automation = matchPath('/settings/automation/*', pathname);
  const settings = !automation && matchPath('/settings/*', pathname);
  const contacts = matchPath('/contacts', pathname) ?? matchPath('/contacts/*', pathname);
  const templates = matchPath('/templates', pathname);
  const campaigns = matchPath('/campaigns', pathname) ?? matchPath('/campaigns/:id', pathname);
  // Agents get 403 from the analytics API: no menu item, and the page is not theirs.
  const analyticsReader = session.role !== 'agent';
  const analytics = analyticsReader && matchPath('/analytics', pathname);
  const admin = isAdmin(session.role);
  const inbox = !settings && !automation && !contacts && !templates && !analytics && !campaigns;
  const viewLink = (v: string) => `/inbox?view=${v}`;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <nav className="rail" aria-label="Main">
        <div className="brand small-brand">
          <span className="brand-mark" aria-hidden="true">
            つ
          </span>
          <span className="rail-label">Tsunagi</span>
        </div>
        <div className="rail-group">
          <span className="rail-heading">{t('nav.inbox')}</span>
          {(['mine', 'unassigned', 'all'] as const).map((v) => (
            <Link
              key={v}
              href={viewLink(v)}
              className={`rail-item ${inbox && view === v ? 'active' : ''}`}
              aria-current={inbox && view === v ? 'page' : undefined}
            >
              <span aria-hidden="true">{v === 'mine' ? '◉' : v === 'unassigned' ? '○' : '☰'}</span>
              <span className="rail-label">{t(`nav.${v}`)}</span>
              {v === 'mine' && unreadCount > 0 && <span className="badge">{unreadCount}</span>}
            </Link>
          ))}
        </div>
        <div className="rail-group">
          <Link
            href="/contacts"
            className={`rail-item ${contacts ? 'active' : ''}`}
            aria-current={contacts ? 'page' : undefined}
          >
            <span aria-hidden="true">👤</span>
            <span className="rail-label">{t('nav.contacts')}</span>
          </Link>
          {analyticsReader && (
            <Link
              href="/analytics"
              className={`rail-item ${analytics ? 'active' : ''}`}
              aria-current={analytics ? 'page' : undefined}
            >
              <span aria-hidden="true">📊</span>
              <span className="rail-label">{t('nav.analytics')}</span>
            </Link>
          )}
          <Link
            href="/campaigns"
            className={`rail-item ${campaigns ? 'active' : ''}`}
            aria-current={campaigns ? 'page' : undefined}
          >
            <span aria-hidden="true">📣</span>
            <span className="rail-label">{t('nav.campaigns')}</span>
          </Link>
          <Link
            href="/templates"
            className={`rail-item ${templates ? 'active' : ''}`}
            aria-current={templates ? 'page' : undefined}
          >
            <span aria-hidden="true">📝</span>
            <span className="rail-label">{t('nav.templates')}</span>
          </Link>
          <Link
            href="/settings/automation/overview"
            className={`rail-item ${automation ? 'active' : ''}`}
            aria-current={automation ? 'page' : undefined}
          >
            <span aria-hidden="true">🤖</span>
            <span className="rail-label">{t('nav.automation')}</span>
          </Link>
          {admin && (
            <Link href="/settings/numbers" className={`rail-item ${settings ? 'active' : ''}`}>
              <span aria-hidden="true">⚙</span>
              <span className="rail-label">{t('nav.settings')}</span>
            </Link>
          )}
          {!admin && (
            <Link href="/settings/account" className={`rail-item ${settings ? 'active' : ''}`}>
              <span aria-hidden="true">⚙</span>
              <span className="rail-label">{t('nav.account')}</span>
            </Link>
          )}
          <a className="rail-item" href="/simulator" target="_blank" rel="noopener">
            <span aria-hidden="true">📱</span>
            <span className="rail-label">{t('nav.simulator')}</span>
          </a>
          <button type="button" className="rail-item" onClick={() => setHelp(true)}>
            <span aria-hidden="true">⌨</span>
            <span className="rail-label">{t('nav.shortcuts')}</span>
          </button>
        </div>
        <div className="rail-footer">
          {session.workspaces.length > 1 && (
            <label className="field compact">
              <span className="rail-label">{t('auth.workspace')}</span>
              <select
                aria-label={t('auth.switchWorkspace')}
                value={session.workspace.id}
                onChange={(e) => void api_.switchWorkspace(e.target.value)}
              >
                {session.workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {session.workspaces.length <= 1 && (
            <div className="rail-label small muted workspace-name">{session.workspace.name}</div>
          )}
          <div className="rail-label small user-name" title={session.user.email}>
            <span className={`presence-dot ${availability}`} aria-hidden="true" />
            {session.user.name || session.user.email}
          </div>
          <label className="rail-label presence">
            <select
              aria-label={t('presence.label')}
              value={availability}
              onChange={(e) => setAvailability(e.target.value as (typeof AVAILABILITIES)[number])}
            >
              {AVAILABILITIES.map((a) => (
                <option key={a} value={a}>
                  {t(`presence.${a}`)}
                </option>
              ))}
            </select>
          </label>
          <LanguageSwitch onChange={(l) => void api_.changeLocale(l)} />
          <div className="rail-label notify-prefs">
            {notificationsSupported() && Notification.permission !== 'granted' && (
              <button type="button" className="link-button small" onClick={() => void requestNotifications()}>
                {t('nav.enableNotifications')}
              </button>
            )}
            <label className="small check">
              <input
                type="checkbox"
                checked={sound}
                onChange={(e) => {
                  setSoundEnabled(e.target.checked);
                  setSound(e.target.checked);
                }}
              />{' '}
              {t('nav.sound')}
            </label>
          </div>
          <button
            type="button"
            className="btn subtle small"
            onClick={() => void sendPresence('offline').then(() => api_.logout())}
          >
            {t('auth.signOut')}
          </button>
        </div>
      </nav>
      <div className="page" id="main">
        {!connected && (
          <div className="banner" role="status">
            {t('app.offline')}
          </div>
        )}
        {automation ? (
          <Suspense fallback={<div className="list-status">{t('app.loading')}</div>}>
            <AutomationPage tab={pathname.split('/')[3] ?? 'overview'} />
          </Suspense>
        ) : templates ? (
          <Suspense fallback={<div className="list-status">{t('app.loading')}</div>}>
            <TemplatesPage canManage={admin} />
          </Suspense>
        ) : campaigns ? (
          <Suspense fallback={<div className="list-status">{t('app.loading')}</div>}>
            <CampaignsPage pathname={pathname} role={session.role} />
          </Suspense>
        ) : analytics ? (
          <Suspense fallback={<div className="list-status">{t('app.loading')}</div>}>
            <AnalyticsPage />
          </Suspense>
        ) : contacts ? (
          <ContactsPage
            contactId={pathname.split('/')[2] || null}
            importId={pathname.split('/')[3] || null}
          />
        ) : settings ? (
          <SettingsPage section={pathname.split('/')[2] ?? 'numbers'} />
        ) : (
          <InboxPage />
        )}
      </div>
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
    </div>
  );
}
