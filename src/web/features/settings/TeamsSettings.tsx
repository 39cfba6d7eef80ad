import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { keys, useTeams, useUsers } from '../../lib/queries.ts';
import type { Team } from '../../lib/types.ts';

/** Teams: name and members; conversations can be routed to a team. */
export function TeamsSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const teams = useTeams().data ?? [];
  const users = (useUsers().data ?? []).filter((u) => !u.deactivatedAt);
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.teams });

  const start = (tm: Team | 'new') => {
    setEditing(tm);
    setName(tm === 'new' ? '' : tm.name);
    setMembers(tm === 'new' ? [] : tm.memberIds);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      if (editing === 'new') await api('/teams', { body: { name, memberIds: members } });
      else if (editing)
        await api(`/teams/${editing.id}`, { method: 'PATCH', body: { name, memberIds: members } });
      setEditing(null);
      refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div>
      <ul className="card-list">
        {teams.map((tm) => (
          <li key={tm.id} className="card row-card">
            <strong>{tm.name}</strong>
            <span className="small muted">
              {tm.memberIds
                .map((id) => users.find((u) => u.id === id)?.name ?? '')
                .filter(Boolean)
                .join(', ')}
            </span>
            <span className="spacer" />
            <button type="button" className="btn subtle small" onClick={() => start(tm)}>
              {t('app.edit')}
            </button>
            <button
              type="button"
              className="btn subtle small danger"
              onClick={() =>
                void api(`/teams/${tm.id}`, { method: 'DELETE' }).then(refresh, (err: Error) =>
                  setError(err.message),
                )
              }
            >
              {t('app.delete')}
            </button>
          </li>
        ))}
      </ul>
      {editing === null ? (
        <button type="button" className="btn primary" onClick={() => start('new')}>
          + {t('settings.teams.add')}
        </button>
      ) : (
        <form className="card form-grid" onSubmit={(e) => void save(e)}>
          <label className="field">
            <span>{t('settings.teams.name')}</span>
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset className="field">
            <legend>{t('settings.teams.members')}</legend>
            {users.map((u) => (
              <label key={u.id} className="check">
                <input
                  type="checkbox"
                  checked={members.includes(u.id)}
                  onChange={(e) =>
                    setMembers(e.target.checked ? [...members, u.id] : members.filter((m) => m !== u.id))
                  }
                />{' '}
                {u.name || u.email}
              </label>
            ))}
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="btn primary">
              {t('app.save')}
            </button>
            <button type="button" className="btn subtle" onClick={() => setEditing(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
