import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.ts';
import { CopyField } from './CopyField.tsx';
import { usePendingInvitations, useReissueInvitation, useRevokeInvitation } from './invitations-queries.ts';

/**
 * Invitations not yet accepted: when each expires, a new link to copy (only a hash of the old one is stored, so
 * the old link stops working), and revoke.
 */
export function PendingInvitations() {
  const { t, i18n } = useTranslation();
  const pending = usePendingInvitations();
  const reissue = useReissueInvitation();
  const revoke = useRevokeInvitation();
  const list = pending.data ?? [];
  const link = reissue.data ? new URL(reissue.data.url, window.location.origin).href : null;

  return (
    <section className="pending-invitations" aria-labelledby="pending-invitations-title">
      <h3 id="pending-invitations-title">{t('settings.invitations.title')}</h3>
      {list.length === 0 ? (
        <p className="small muted">{t('settings.invitations.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('settings.users.email')}</th>
              <th>{t('settings.users.role')}</th>
              <th>{t('settings.invitations.expires')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((inv) => (
              <tr key={inv.id}>
                <td data-content>{inv.email}</td>
                <td>{t(`settings.users.roles.${inv.role}`)}</td>
                <td>{formatDateTime(inv.expiresAt, i18n.language)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn subtle small"
                    aria-label={`${t('settings.invitations.newLink')} ${inv.email}`}
                    onClick={() => reissue.mutate(inv.id)}
                  >
                    {t('settings.invitations.newLink')}
                  </button>
                  <button
                    type="button"
                    className="btn subtle small"
                    aria-label={`${t('settings.invitations.revoke')} ${inv.email}`}
                    onClick={() => {
                      if (window.confirm(t('settings.invitations.revokeConfirm', { email: inv.email })))
                        revoke.mutate(inv.id);
                    }}
                  >
                    {t('settings.invitations.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reissue.data && link && list.some((i) => i.id === reissue.data.id) && (
        <div className="invite-link">
          <p className="small">
            {t('settings.invitations.newLinkShown', {
              email: reissue.data.email,
              time: formatDateTime(reissue.data.expiresAt, i18n.language),
            })}
          </p>
          <CopyField label={t('settings.invitations.link')} value={link} />
        </div>
      )}
      {(reissue.error ?? revoke.error) && (
        <p className="form-error" role="alert">
          {String((reissue.error ?? revoke.error)?.message)}
        </p>
      )}
    </section>
  );
}
