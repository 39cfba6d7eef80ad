import { useTranslation } from 'react-i18next';
import { Link } from '../../app/router.tsx';
import { isAdmin, useSession } from '../../app/session.tsx';
import { AccountSettings } from './AccountSettings.tsx';
import { AuditSettings } from './AuditSettings.tsx';
import { ApiKeysSettings } from './ApiKeysSettings.tsx';
import { NumbersSettings } from './NumbersSettings.tsx';
import { ProfileSettings } from './ProfileSettings.tsx';
import { QuickRepliesSettings } from './QuickRepliesSettings.tsx';
import { TeamsSettings } from './TeamsSettings.tsx';
import { UsersSettings } from './UsersSettings.tsx';
import { WorkspaceSettings } from './WorkspaceSettings.tsx';

const ADMIN_SECTIONS = [
  'numbers',
  'users',
  'teams',
  'quickReplies',
  'profile',
  'workspace',
  'apiKeys',
  'audit',
] as const;

/**
 * Settings: admins manage numbers, users, teams, quick replies, the business profile, the workspace's own settings
 * (archiving inactive contacts) and API keys and read the audit log; everyone their account and password.
 */
export function SettingsPage({ section }: { section: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const admin = isAdmin(session.role);
  const sections = admin ? [...ADMIN_SECTIONS, 'account' as const] : (['account'] as const);
  const current = (sections as readonly string[]).includes(section) ? section : sections[0];
  return (
    <div className="settings">
      <nav className="settings-nav" aria-label={t('settings.title')}>
        <h1>{t('settings.title')}</h1>
        {sections.map((s) => (
          <Link
            key={s}
            href={`/settings/${s}`}
            className={`settings-link ${current === s ? 'active' : ''}`}
            aria-current={current === s ? 'page' : undefined}
          >
            {t(`settings.sections.${s}`)}
          </Link>
        ))}
        {!admin && <p className="small muted">{t('settings.adminOnly')}</p>}
      </nav>
      <section className="settings-body">
        <h2>{t(`settings.sections.${current}`)}</h2>
        {current === 'numbers' && <NumbersSettings />}
        {current === 'users' && <UsersSettings />}
        {current === 'teams' && <TeamsSettings />}
        {current === 'quickReplies' && <QuickRepliesSettings />}
        {current === 'profile' && <ProfileSettings />}
        {current === 'workspace' && <WorkspaceSettings />}
        {current === 'audit' && <AuditSettings />}
        {current === 'apiKeys' && <ApiKeysSettings />}
        {current === 'account' && <AccountSettings />}
      </section>
    </div>
  );
}
