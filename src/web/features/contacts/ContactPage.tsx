import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate } from '../../app/router.tsx';
import { isAdmin, useSession } from '../../app/session.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { usePhoneNumbers, useTemplates } from '../../lib/queries.ts';
import { DuplicatesSection, MergeHistorySection } from './ContactMerge.tsx';
import { NotesSection, TagsAndAttributesSection } from './ContactEditors.tsx';
import { ConsentSection, ContactAuditSection, PrivacySection } from './ContactPrivacy.tsx';
import { useContact, useContactConversations, useContactEvents, useStartConversation } from './queries.ts';
import { errorText } from '../../lib/errors.ts';

/**
 * One contact: profile, every conversation across numbers, tags, attributes, consent with its history, events,
 * duplicates and merges, notes, and starting a conversation with an approved template; for admins also the audit
 * entries about the contact and their data rights (export as JSON, erase).
 */
export function ContactPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const contact = useContact(id);
  const conversations = useContactConversations(id);
  const events = useContactEvents(id);
  const numbers = usePhoneNumbers();
  const role = useSession().role;
  const admin = isAdmin(role);
  const c = contact.data;
  if (!c)
    return <div className="list-status">{contact.isError ? t('contacts.notFound') : t('app.loading')}</div>;
  const label = c.name ?? c.profileName ?? c.phone ?? c.waId;

  return (
    <div className="contact-page">
      <p>
        <Link href="/contacts">← {t('contacts.title')}</Link>
      </p>
      <h1 className="contact-name">{label}</h1>
      {c.archivedAt && (
        <p className="banner" role="status">
          {t('contacts.archivedBanner', { date: formatDateTime(c.archivedAt, i18n.language) })}
        </p>
      )}
      {c.mergedIntoId && (
        <p className="banner" role="status">
          {t('contacts.mergedInto')}{' '}
          <Link href={`/contacts/${c.mergedIntoId}`}>{t('contacts.openSurvivor')}</Link>
        </p>
      )}
      <section className="card contact-section">
        <h2>{t('contacts.profile')}</h2>
        <dl className="contact-profile">
          <dt>{t('contacts.phone')}</dt>
          <dd className="mono">{c.phone ?? `+${c.waId}`}</dd>
          <dt>{t('contacts.profileName')}</dt>
          <dd data-content>{c.profileName ?? '—'}</dd>
          <dt>{t('contacts.consent')}</dt>
          <dd>{t(`contacts.consentStates.${c.consentState}`)}</dd>
          <dt>{t('contacts.since')}</dt>
          <dd>{formatDateTime(c.createdAt, i18n.language)}</dd>
        </dl>
      </section>
      <section className="card contact-section">
        <h2>{t('contacts.conversations')}</h2>
        {(conversations.data ?? []).length === 0 && (
          <p className="small muted">{t('contacts.noConversations')}</p>
        )}
        <ul className="other-convs">
          {(conversations.data ?? []).map((o) => {
            const n = numbers.data?.find((x) => x.id === o.phoneNumberId);
            return (
              <li key={o.id}>
                <Link href={`/inbox/${o.id}`} className="link-row">
                  <span className="chip number-chip" data-content>
                    {n ? n.label || n.displayPhoneNumber : '—'}
                  </span>
                  <span className={`status-pill status-${o.status}`}>{t(`status.${o.status}`)}</span>
                  <span className="ellipsis small" data-content>
                    {o.lastMessagePreview}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
        <StartConversation to={c.phone ?? `+${c.waId}`} />
      </section>
      <TagsAndAttributesSection contact={c} canEdit={role !== 'analyst' && !c.mergedIntoId} />
      <ConsentSection contact={c} canChange={role !== 'analyst' && !c.mergedIntoId} />
      <section className="card contact-section">
        <h2>{t('contacts.events')}</h2>
        {(events.data ?? []).length === 0 && <p className="small muted">—</p>}
        <ul className="plain-list">
          {(events.data ?? []).map((ev) => (
            <li key={ev.id}>
              <code>{ev.name}</code>{' '}
              <span className="small muted">{formatDateTime(ev.at, i18n.language)}</span>
            </li>
          ))}
        </ul>
      </section>
      <DuplicatesSection contact={c} />
      <MergeHistorySection contact={c} />
      <NotesSection contact={c} canEdit={role !== 'analyst' && !c.mergedIntoId} />
      {admin && <ContactAuditSection contactId={c.id} />}
      {admin && !c.mergedIntoId && <PrivacySection contact={c} label={label} />}
    </div>
  );
}

/**
 * Starts a conversation from one of the numbers with an approved template that needs no values (outside the 24 h
 * window only a template may open it). `to` is the contact's number; without it the form asks for one (a new
 * contact, created by the send).
 */
export function StartConversation({ to }: { to: string | null }) {
  const { t } = useTranslation();
  const numbers = usePhoneNumbers();
  const [numberId, setNumberId] = useState('');
  const chosen = numberId || numbers.data?.[0]?.id || '';
  const templates = useTemplates(chosen || undefined);
  const usable = (templates.data ?? []).filter(
    (tp) => tp.status === 'APPROVED' && !JSON.stringify(tp.components).includes('{{'),
  );
  const [template, setTemplate] = useState('');
  const picked = usable.find((tp) => `${tp.name}|${tp.language}` === template) ?? usable[0];
  const start = useStartConversation();
  const [typed, setTyped] = useState('');
  const recipient = to ?? typed.trim();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen || !picked || !recipient) return;
    start.mutate(
      { phoneNumberId: chosen, to: recipient, template: picked.name, language: picked.language },
      { onSuccess: (m) => navigate(`/inbox/${m.conversationId}`) },
    );
  };
  return (
    <form className="start-conversation" onSubmit={submit}>
      {to !== null && <h3>{t('contacts.start')}</h3>}
      {to === null && (
        <label className="field">
          <span>{t('contacts.newConversation.phone')}</span>
          <input
            type="tel"
            required
            value={typed}
            placeholder="+81 90-1234-5678"
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
      )}
      <label className="field">
        <span>{t('contacts.fromNumber')}</span>
        <select value={chosen} onChange={(e) => setNumberId(e.target.value)}>
          {(numbers.data ?? []).map((n) => (
            <option key={n.id} value={n.id}>
              {n.label || n.displayPhoneNumber}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('contacts.template')}</span>
        <select
          value={picked ? `${picked.name}|${picked.language}` : ''}
          onChange={(e) => setTemplate(e.target.value)}
        >
          {usable.map((tp) => (
            <option key={`${tp.name}|${tp.language}`} value={`${tp.name}|${tp.language}`}>
              {tp.name} ({tp.language})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn primary" disabled={!picked || !recipient || start.isPending}>
        {t('contacts.startButton')}
      </button>
      {start.error && (
        <p className="form-error" role="alert">
          {errorText(start.error, t)}
        </p>
      )}
    </form>
  );
}
