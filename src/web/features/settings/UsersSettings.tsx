import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { keys, useUsers } from '../../lib/queries.ts';
import type { Invitation, Role, User } from '../../lib/types.ts';
import { pendingInvitationsKey } from './invitations-queries.ts';
import { PendingInvitations } from './PendingInvitations.tsx';

const ROLES: Role[] = ['admin', 'agent', 'analyst'];

/**
 * Users and roles of this workspace: change roles, deactivate/reactivate or remove members (here only),
 * issue one-time password reset links, invite with a one-time link.
 */
export function UsersSettings() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const session = useSession();
  const users = useUsers();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [invite, setInvite] = useState<Invitation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [reset, setReset] = useState<{ email: string; url: string; expiresAt: string } | null>(null);

  const patch = async (u: User, body: Record<string, unknown>) => {
    setError(null);
    try {
      await api(`/users/${u.id}`, { method: 'PATCH', body });
      void qc.invalidateQueries({ queryKey: keys.users });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setInvite(
        await api<Invitation>('/invitations', {
          body: { email, role, ...(name.trim() ? { name: name.trim() } : {}) },
        }),
      );
      setEmail('');
      setName('');
      setCopied(false);
      void qc.invalidateQueries({ queryKey: pendingInvitationsKey });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const issueReset = async (u: User) => {
    setError(null);
    try {
      const r = await api<{ url: string; expiresAt: string }>(`/users/${u.id}/password-reset`, {
        method: 'POST',
      });
      setReset({ email: u.email, url: r.url, expiresAt: r.expiresAt });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const remove = async (u: User) => {
    if (!window.confirm(t('settings.users.removeConfirm', { name: u.name }))) return;
    setError(null);
    try {
      await api(`/users/${u.id}`, { method: 'DELETE' });
      void qc.invalidateQueries({ queryKey: keys.users });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const link = invite ? new URL(invite.url, window.location.origin).href : '';
  const canManage = (u: User) => u.id !== session.userId && (u.role !== 'owner' || session.role === 'owner');

  return (
    <div>
      <table className="table">
        <thead>
          <tr>
            <th>{t('settings.users.name')}</th>
            <th>{t('settings.users.email')}</th>
            <th>{t('settings.users.role')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id} className={u.deactivatedAt ? 'muted' : ''}>
              <td data-content>{u.name}</td>
              <td data-content>{u.email}</td>
              <td>
                {u.role === 'owner' || u.id === session.userId ? (
                  t(`settings.users.roles.${u.role}`)
                ) : (
                  <select
                    aria-label={`${t('settings.users.role')} ${u.email}`}
                    value={u.role}
                    onChange={(e) => void patch(u, { role: e.target.value })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`settings.users.roles.${r}`)}
                      </option>
                    ))}
                  </select>
                )}
                {u.deactivatedAt && <span className="chip">{t('settings.users.deactivated')}</span>}
              </td>
              <td className="actions">
                {u.role !== 'owner' && u.id !== session.userId && (
                  <button
                    type="button"
                    className="btn subtle small"
                    onClick={() => void patch(u, { deactivated: !u.deactivatedAt })}
                  >
                    {u.deactivatedAt ? t('settings.users.reactivate') : t('settings.users.deactivate')}
                  </button>
                )}
                {canManage(u) && !u.deactivatedAt && (
                  <button type="button" className="btn subtle small" onClick={() => void issueReset(u)}>
                    {t('settings.users.resetLink')}
                  </button>
                )}
                {canManage(u) && (
                  <button type="button" className="btn subtle small" onClick={() => void remove(u)}>
                    {t('settings.users.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {reset && (
        <div className="card invite-link" role="status" aria-label={t('settings.users.resetLink')}>
          <p className="small">
            {t('settings.users.resetLinkShown', {
              email: reset.email,
              time: formatDateTime(reset.expiresAt, i18n.language),
            })}
          </p>
          <input
            readOnly
            value={reset.url}
            aria-label={t('settings.users.resetLinkUrl')}
            onFocus={(e) => e.target.select()}
          />
        </div>
      )}
      <PendingInvitations />
      <form className="card form-grid" onSubmit={(e) => void submit(e)}>
        <h3>{t('settings.users.invite')}</h3>
        <label className="field">
          <span>{t('settings.users.email')}</span>
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.users.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.users.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`settings.users.roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button className="btn primary" type="submit">
            {t('settings.users.invite')}
          </button>
        </div>
        {invite && (
          <div className="invite-link" role="status">
            <p className="small">
              {t('settings.users.inviteLink', {
                email: invite.email,
                time: formatDateTime(invite.expiresAt, i18n.language),
              })}
            </p>
            <input
              readOnly
              value={link}
              aria-label={t('settings.users.copy')}
              onFocus={(e) => e.target.select()}
            />
            <button
              type="button"
              className="btn small"
              onClick={() => {
                void navigator.clipboard?.writeText(link).then(() => setCopied(true));
              }}
            >
              {copied ? t('settings.users.copied') : t('settings.users.copy')}
            </button>
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
