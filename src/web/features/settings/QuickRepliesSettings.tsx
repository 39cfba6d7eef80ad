import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { keys, useQuickReplies } from '../../lib/queries.ts';
import type { QuickReply } from '../../lib/types.ts';

/** Quick replies: `/shortcut`, title and text, inserted in the composer by typing the shortcut. */
export function QuickRepliesSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuickReplies().data ?? [];
  const [editing, setEditing] = useState<QuickReply | 'new' | null>(null);
  const [draft, setDraft] = useState({ shortcut: '', title: '', body: '' });
  const [error, setError] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.quickReplies });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      if (editing === 'new') await api('/quick-replies', { body: draft });
      else if (editing) await api(`/quick-replies/${editing.id}`, { method: 'PATCH', body: draft });
      setEditing(null);
      refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div>
      <ul className="card-list">
        {list.map((q) => (
          <li key={q.id} className="card row-card">
            <code>/{q.shortcut}</code>
            <span>
              <strong>{q.title}</strong>
              <span className="block small muted pre-wrap">{q.body}</span>
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn subtle small"
              onClick={() => {
                setEditing(q);
                setDraft({ shortcut: q.shortcut, title: q.title, body: q.body });
              }}
            >
              {t('app.edit')}
            </button>
            <button
              type="button"
              className="btn subtle small danger"
              onClick={() =>
                void api(`/quick-replies/${q.id}`, { method: 'DELETE' }).then(refresh, (err: Error) =>
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
        <button
          type="button"
          className="btn primary"
          onClick={() => {
            setEditing('new');
            setDraft({ shortcut: '', title: '', body: '' });
          }}
        >
          + {t('settings.quickReplies.add')}
        </button>
      ) : (
        <form className="card form-grid" onSubmit={(e) => void save(e)}>
          <label className="field">
            <span>{t('settings.quickReplies.shortcut')}</span>
            <input
              required
              value={draft.shortcut}
              pattern="[\p{L}\p{N}_\-]+"
              onChange={(e) => setDraft({ ...draft, shortcut: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('settings.quickReplies.title')}</span>
            <input
              required
              value={draft.title}
              onChange={(e) => setDraft({ ...draft, title: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('settings.quickReplies.body')}</span>
            <textarea
              required
              rows={4}
              value={draft.body}
              onChange={(e) => setDraft({ ...draft, body: e.target.value })}
            />
          </label>
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
