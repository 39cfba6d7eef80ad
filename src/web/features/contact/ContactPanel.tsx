import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { patchConversation } from '../../lib/cache.ts';
import { contactDisplayName, formatDateTime } from '../../lib/format.ts';
import { keys, usePhoneNumbers, userName, useUsers } from '../../lib/queries.ts';
import type { Contact, ContactNote, Conversation, Page } from '../../lib/types.ts';

/** Profile, tags, custom attributes, notes, consent, and this contact's other conversations (all numbers). */
export function ContactPanel({
  conversation: c,
  onClose,
}: {
  conversation: Conversation;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const contactId = c.contactId;
  const contact = useQuery({
    queryKey: keys.contact(contactId),
    queryFn: () => api<Contact>(`/contacts/${contactId}`),
    ...(c.contact ? { initialData: c.contact } : {}),
  });
  const notes = useQuery({
    queryKey: keys.contactNotes(contactId),
    queryFn: async () => {
      try {
        return (await api<{ data: ContactNote[] }>(`/contacts/${contactId}/notes`)).data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return [];
        throw e;
      }
    },
  });
  const others = useQuery({
    queryKey: keys.contactConversations(contactId),
    queryFn: () =>
      api<Page<Conversation>>(`/conversations?contactId=${contactId}&limit=20`).then((r) =>
        r.data.filter((x) => x.contactId === contactId),
      ),
  });
  const numbers = usePhoneNumbers().data;
  const users = useUsers().data;
  const ct = contact.data;
  const [tag, setTag] = useState('');
  const [note, setNote] = useState('');
  const [attrKey, setAttrKey] = useState('');
  const [attrValue, setAttrValue] = useState('');
  const [editingName, setEditingName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const applyContact = (updated: Contact) => {
    qc.setQueryData(keys.contact(contactId), updated);
    patchConversation(qc, c.id, { contact: updated });
    void qc.invalidateQueries({ queryKey: keys.tags });
  };
  const run = useMutation({
    mutationFn: (fn: () => Promise<Contact>) => fn(),
    onSuccess: applyContact,
    onError: (e) => setError(e.message),
  });

  const addTag = (e: FormEvent) => {
    e.preventDefault();
    const name = tag.trim();
    if (!name) return;
    setTag('');
    run.mutate(() =>
      api<Contact>(`/contacts/${contactId}/tags/${encodeURIComponent(name)}`, { method: 'PUT' }),
    );
  };
  const addNote = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return;
    try {
      await api(`/contacts/${contactId}/notes`, { body: { body: note.trim() } });
      setNote('');
      void qc.invalidateQueries({ queryKey: keys.contactNotes(contactId) });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const addAttr = (e: FormEvent) => {
    e.preventDefault();
    if (!attrKey.trim()) return;
    const k = attrKey.trim();
    const v = attrValue;
    setAttrKey('');
    setAttrValue('');
    run.mutate(() =>
      api<Contact>(`/contacts/${contactId}`, { method: 'PATCH', body: { attributes: { [k]: v } } }),
    );
  };

  if (!ct) return <aside className="contact-panel">{t('app.loading')}</aside>;
  return (
    <aside className="contact-panel" aria-label={t('contact.title')}>
      <header className="panel-head">
        <h2>{t('contact.title')}</h2>
        <button type="button" className="icon-button" aria-label={t('app.close')} onClick={onClose}>
          ✕
        </button>
      </header>
      <section className="panel-section">
        {editingName === null ? (
          <div className="contact-name-row">
            <strong className="contact-name">{contactDisplayName(ct)}</strong>
            <button type="button" className="link-button small" onClick={() => setEditingName(ct.name ?? '')}>
              {t('contact.editName')}
            </button>
          </div>
        ) : (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const name = editingName.trim() || null;
              setEditingName(null);
              run.mutate(() => api<Contact>(`/contacts/${contactId}`, { method: 'PATCH', body: { name } }));
            }}
          >
            <input
              aria-label={t('contact.name')}
              value={editingName}
              onChange={(e) => setEditingName(e.target.value)}
              autoFocus
            />
            <button className="btn small" type="submit">
              {t('app.save')}
            </button>
          </form>
        )}
        <dl className="props">
          <dt>{t('contact.phone')}</dt>
          <dd>{ct.phone ?? `+${ct.waId}`}</dd>
          <dt>{t('contact.whatsappName')}</dt>
          <dd>{ct.profileName ?? '—'}</dd>
          {ct.country && (
            <>
              <dt>{t('contact.country')}</dt>
              <dd>{ct.country}</dd>
            </>
          )}
          <dt>{t('contact.consent')}</dt>
          <dd>
            <select
              aria-label={t('contact.consent')}
              value={ct.consentState}
              onChange={(e) =>
                run.mutate(() =>
                  api<Contact>(`/contacts/${contactId}`, {
                    method: 'PATCH',
                    body: { consentState: e.target.value },
                  }),
                )
              }
            >
              {(['unknown', 'opted_in', 'opted_out'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`contact.consentStates.${s}`)}
                </option>
              ))}
            </select>
          </dd>
        </dl>
      </section>
      <section className="panel-section">
        <h3>{t('contact.tags')}</h3>
        <ul className="tags" aria-label={t('contact.tags')}>
          {(ct.tags ?? []).map((tg) => (
            <li key={tg} className="tag">
              {tg}
              <button
                type="button"
                aria-label={t('contact.removeTag', { tag: tg })}
                onClick={() =>
                  run.mutate(() =>
                    api<Contact>(`/contacts/${contactId}/tags/${encodeURIComponent(tg)}`, {
                      method: 'DELETE',
                    }),
                  )
                }
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
        <form className="inline-form" onSubmit={addTag}>
          <input
            aria-label={t('contact.addTag')}
            placeholder={t('contact.addTag')}
            value={tag}
            maxLength={50}
            onChange={(e) => setTag(e.target.value)}
          />
          <button className="btn small" type="submit">
            {t('app.add')}
          </button>
        </form>
      </section>
      <section className="panel-section">
        <h3>{t('contact.attributes')}</h3>
        <dl className="props">
          {Object.entries(ct.attributes).map(([k, v]) => (
            <div key={k} className="prop-row">
              <dt>{k}</dt>
              <dd>
                {typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
                  ? String(v)
                  : JSON.stringify(v)}
                <button
                  type="button"
                  className="icon-button small"
                  aria-label={`${t('app.delete')} ${k}`}
                  onClick={() =>
                    run.mutate(() =>
                      api<Contact>(`/contacts/${contactId}`, {
                        method: 'PATCH',
                        body: { attributes: { [k]: null } },
                      }),
                    )
                  }
                >
                  ✕
                </button>
              </dd>
            </div>
          ))}
        </dl>
        <form className="inline-form" onSubmit={addAttr}>
          <input
            aria-label={t('contact.key')}
            placeholder={t('contact.key')}
            value={attrKey}
            onChange={(e) => setAttrKey(e.target.value)}
          />
          <input
            aria-label={t('contact.value')}
            placeholder={t('contact.value')}
            value={attrValue}
            onChange={(e) => setAttrValue(e.target.value)}
          />
          <button className="btn small" type="submit">
            {t('app.add')}
          </button>
        </form>
      </section>
      <section className="panel-section">
        <h3>{t('contact.notes')}</h3>
        <ul className="contact-notes">
          {(notes.data ?? []).map((n) => (
            <li key={n.id}>
              <div className="small muted">
                {userName(users, n.authorUserId) ?? t('conversation.someone')} ·{' '}
                {formatDateTime(n.createdAt, i18n.language)}
              </div>
              <div className="pre-wrap">{n.body}</div>
            </li>
          ))}
        </ul>
        <form className="stack-form" onSubmit={(e) => void addNote(e)}>
          <textarea
            aria-label={t('contact.notePlaceholder')}
            placeholder={t('contact.notePlaceholder')}
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <button className="btn small" type="submit">
            {t('contact.addNote')}
          </button>
        </form>
      </section>
      <section className="panel-section">
        <h3>{t('contact.otherConversations')}</h3>
        {(others.data ?? []).length === 0 && <p className="small muted">{t('contact.noOther')}</p>}
        <ul className="other-convs">
          {(others.data ?? []).map((o) => {
            const n = o.phoneNumber ?? numbers?.find((x) => x.id === o.phoneNumberId);
            return (
              <li key={o.id}>
                <button
                  type="button"
                  className={`link-row ${o.id === c.id ? 'current' : ''}`}
                  onClick={() => navigate(`/inbox/${o.id}`)}
                >
                  <span className="chip number-chip">{n ? n.label || n.displayPhoneNumber : '—'}</span>
                  <span className={`status-pill status-${o.status}`}>{t(`status.${o.status}`)}</span>
                  <span className="ellipsis small">{o.lastMessagePreview}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
    </aside>
  );
}
