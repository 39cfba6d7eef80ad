import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiKeyDto, ApiKeyWithSecretDto } from '../../../contracts/api-keys.schemas.ts';
import { useSession } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Role } from '../../lib/types.ts';

const QUERY_KEY = ['api-keys'] as const;
const ALL_ROLES: Role[] = ['owner', 'admin', 'agent', 'analyst'];

/**
 * API keys: list (prefix, role, creator, last use, expiry, status), create, rotate and revoke. A new or rotated
 * key's secret is shown once, with a copy button. Admins see and pick roles up to their own (the server enforces
 * it; owner keys show no actions for them).
 */
export function ApiKeysSettings() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const session = useSession();
  const list = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => api<{ data: ApiKeyDto[] }>('/api-keys').then((r) => r.data),
  });
  const roles = session.role === 'owner' ? ALL_ROLES : ALL_ROLES.filter((r) => r !== 'owner');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [expires, setExpires] = useState('');
  const [shown, setShown] = useState<ApiKeyWithSecretDto | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');

  const run = async (work: () => Promise<ApiKeyWithSecretDto | unknown>) => {
    setError(null);
    try {
      const result = await work();
      if (result && typeof result === 'object' && 'secret' in result) {
        setShown(result as ApiKeyWithSecretDto);
        setCopied(false);
      }
      void qc.invalidateQueries({ queryKey: QUERY_KEY });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = {
        name,
        role,
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      };
      const created = await api<ApiKeyWithSecretDto>('/api-keys', { body });
      setName('');
      setExpires('');
      return created;
    });
  };
  const rotate = (k: ApiKeyDto) => {
    if (window.confirm(t('settings.apiKeys.rotateConfirm', { name: k.name })))
      void run(() => api<ApiKeyWithSecretDto>(`/api-keys/${k.id}/rotate`, { method: 'POST' }));
  };
  const revoke = (k: ApiKeyDto) => {
    if (window.confirm(t('settings.apiKeys.revokeConfirm', { name: k.name })))
      void run(() => api(`/api-keys/${k.id}/revoke`, { method: 'POST' }));
  };

  return (
    <div>
      <p className="small muted">{t('settings.apiKeys.intro')}</p>
      {shown && (
        <div className="invite-link" role="status">
          <p className="small">{t('settings.apiKeys.secretOnce', { name: shown.name })}</p>
          <input
            readOnly
            value={shown.secret}
            aria-label={t('settings.apiKeys.secret')}
            onFocus={(e) => e.target.select()}
          />
          <button
            type="button"
            className="btn small"
            onClick={() => void navigator.clipboard?.writeText(shown.secret).then(() => setCopied(true))}
          >
            {copied ? t('settings.apiKeys.copied') : t('settings.apiKeys.copy')}
          </button>
        </div>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>{t('settings.apiKeys.name')}</th>
            <th>{t('settings.apiKeys.key')}</th>
            <th>{t('settings.users.role')}</th>
            <th>{t('settings.apiKeys.createdBy')}</th>
            <th>{t('settings.apiKeys.lastUsed')}</th>
            <th>{t('settings.apiKeys.expires')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((k) => (
            <tr key={k.id} className={k.status === 'active' ? '' : 'muted'}>
              <td>
                {k.name}
                {k.status !== 'active' && (
                  <span className="chip">{t(`settings.apiKeys.status.${k.status}`)}</span>
                )}
              </td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{t(`settings.users.roles.${k.role}`)}</td>
              <td>
                {k.createdBy?.name ?? t('settings.apiKeys.cli')}
                <div className="small muted">{when(k.createdAt)}</div>
              </td>
              <td>{when(k.lastUsedAt)}</td>
              <td>{k.expiresAt ? when(k.expiresAt) : t('settings.apiKeys.never')}</td>
              <td className="actions">
                {k.status === 'active' && roles.includes(k.role) && (
                  <>
                    <button type="button" className="btn subtle small" onClick={() => rotate(k)}>
                      {t('settings.apiKeys.rotate')}
                    </button>
                    <button type="button" className="btn subtle small danger" onClick={() => revoke(k)}>
                      {t('settings.apiKeys.revoke')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card form-grid" onSubmit={create}>
        <h3>{t('settings.apiKeys.create')}</h3>
        <label className="field">
          <span>{t('settings.apiKeys.name')}</span>
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('settings.users.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`settings.users.roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('settings.apiKeys.expiresOptional')}</span>
          <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </label>
        <div className="form-actions">
          <button className="btn primary" type="submit">
            {t('settings.apiKeys.create')}
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
