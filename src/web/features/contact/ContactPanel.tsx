import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import { patchContact } from '../../lib/cache.ts';
import { errorText } from '../../lib/errors.ts';
import { contactDisplayName } from '../../lib/format.ts';
import { keys, usePhoneNumbers } from '../../lib/queries.ts';
import type { Contact, Conversation } from '../../lib/types.ts';
import { NotesSection, TagsAndAttributesSection } from '../contacts/ContactEditors.tsx';
import { useContact, useContactConversations } from '../contacts/queries.ts';

/** Profile, tags, custom attributes, notes, consent, and this contact's other conversations (all numbers). */
export function ContactPanel({
  conversation: c,
  onClose,
}: {
  conversation: Conversation;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const contactId = c.contactId;
  const contact = useContact(contactId, c.contact);
  const others = useContactConversations(contactId);
  const numbers = usePhoneNumbers().data;
  const role = useSession().role;
  const ct = contact.data;
  const [editingName, setEditingName] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (body: { name: string | null } | { consentState: string }) =>
      api<Contact>(`/contacts/${contactId}`, { method: 'PATCH', body }),
    onSuccess: (updated) => {
      patchContact(qc, updated);
      // A consent change is a new entry in the history the contact page shows.
      void qc.invalidateQueries({ queryKey: keys.contactPart(updated.id, 'consent') });
    },
  });

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
              run.mutate({ name });
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
              onChange={(e) => run.mutate({ consentState: e.target.value })}
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
      <TagsAndAttributesSection
        contact={ct}
        canEdit={role !== 'analyst' && !ct.mergedIntoId}
        layout="panel"
      />
      <NotesSection contact={ct} canEdit={role !== 'analyst' && !ct.mergedIntoId} layout="panel" />
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
      {run.error && (
        <p className="form-error small" role="alert">
          {errorText(run.error, t)}
        </p>
      )}
    </aside>
  );
}
