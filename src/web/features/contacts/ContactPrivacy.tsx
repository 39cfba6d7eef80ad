import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Contact } from '../../lib/types.ts';
import { useContactAudit, useContactConsent, useEraseContact, useRecordConsent } from './queries.ts';

/**
 * The contact's consent: the state per purpose (marketing, utility) and every change with its source, who made it
 * and when, newest first; agents and admins record a change the customer made outside WhatsApp (a phone call, a
 * paper form) with a note kept as its evidence.
 */
export function ConsentSection({ contact, canChange }: { contact: Contact; canChange: boolean }) {
  const { t, i18n } = useTranslation();
  const consent = useContactConsent(contact.id);
  const record = useRecordConsent(contact.id);
  const [changing, setChanging] = useState<{
    purpose: 'marketing' | 'utility';
    state: 'opted_in' | 'opted_out';
  } | null>(null);
  const [note, setNote] = useState('');
  const view = consent.data;
  return (
    <section className="card contact-section" aria-label={t('contacts.consentHistory.title')}>
      <h2>{t('contacts.consentHistory.title')}</h2>
      <dl className="contact-profile">
        {(view?.consents ?? []).map((c) => (
          <div key={c.purpose} className="contents">
            <dt>{t(`contacts.consentHistory.purposes.${c.purpose}`)}</dt>
            <dd data-consent={c.purpose}>
              {t(`contacts.consentStates.${c.state}`)}{' '}
              {canChange && (
                <button
                  type="button"
                  className="btn small"
                  onClick={() => {
                    setNote('');
                    setChanging({
                      purpose: c.purpose,
                      state: c.state === 'opted_out' ? 'opted_in' : 'opted_out',
                    });
                  }}
                >
                  {c.state === 'opted_out'
                    ? t('contacts.consentHistory.optIn')
                    : t('contacts.consentHistory.optOut')}
                </button>
              )}
            </dd>
          </div>
        ))}
      </dl>
      {view && view.history.length === 0 && (
        <p className="small muted">{t('contacts.consentHistory.none')}</p>
      )}
      <ol className="plain-list consent-history">
        {(view?.history ?? []).map((h) => (
          <li key={h.id}>
            <span className="small muted">{formatDateTime(h.occurredAt, i18n.language)}</span>{' '}
            {t('contacts.consentHistory.line', {
              purpose: t(`contacts.consentHistory.purposes.${h.purpose}`),
              from: t(`contacts.consentStates.${h.previousState}`),
              to: t(`contacts.consentStates.${h.state}`),
            })}{' '}
            <span className="chip">
              {t(`contacts.consentHistory.sources.${h.source}`, { defaultValue: h.source })}
            </span>
            {typeof h.evidence.note === 'string' && (
              <span className="small muted" data-content>
                {' '}
                “{h.evidence.note}”
              </span>
            )}
          </li>
        ))}
      </ol>
      {changing && (
        <Dialog title={t('contacts.consentHistory.record')} onClose={() => setChanging(null)}>
          <p>
            {t('contacts.consentHistory.confirm', {
              purpose: t(`contacts.consentHistory.purposes.${changing.purpose}`),
              state: t(`contacts.consentStates.${changing.state}`),
            })}
          </p>
          <label className="field">
            <span>{t('contacts.consentHistory.note')}</span>
            <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </label>
          {record.error && (
            <p className="form-error" role="alert">
              {errorText(record.error, t)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setChanging(null)}>
              {t('contacts.cancel')}
            </button>
            <button
              type="button"
              className="btn primary"
              disabled={record.isPending}
              onClick={() =>
                record.mutate({ ...changing, note: note.trim() }, { onSuccess: () => setChanging(null) })
              }
            >
              {t('contacts.consentHistory.save')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** The audit entries about the contact (admins): merges, exports of their data, consent changes. */
export function ContactAuditSection({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const audit = useContactAudit(contactId, true);
  return (
    <section className="card contact-section" aria-label={t('contacts.audit.title')}>
      <h2>{t('contacts.audit.title')}</h2>
      {(audit.data ?? []).length === 0 && <p className="small muted">—</p>}
      <ul className="plain-list">
        {(audit.data ?? []).map((a) => (
          <li key={a.id}>
            <span className="small muted">{formatDateTime(a.occurredAt, i18n.language)}</span>{' '}
            {t(`settings.audit.actions.${a.action}`, { defaultValue: a.action })}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A data subject's rights (admins): download everything held about the contact as JSON, and erase the contact with
 * their conversations and messages after a confirmation that names what goes. The audit entry of an erasure holds
 * no personal data; after it the console returns to the list.
 */
export function PrivacySection({ contact, label }: { contact: Contact; label: string }) {
  const { t } = useTranslation();
  const erase = useEraseContact();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card contact-section" aria-label={t('contacts.privacy.title')}>
      <h2>{t('contacts.privacy.title')}</h2>
      <p className="small muted">{t('contacts.privacy.help')}</p>
      <div className="form-actions">
        <a
          className="btn"
          href={`/api/v1/contacts/${encodeURIComponent(contact.id)}/export`}
          download={`contact-${contact.id}.json`}
        >
          {t('contacts.privacy.export')}
        </a>
        <button type="button" className="btn danger" onClick={() => setConfirming(true)}>
          {t('contacts.privacy.erase')}
        </button>
      </div>
      {confirming && (
        <Dialog
          title={t('contacts.privacy.eraseTitle', { name: label })}
          onClose={() => setConfirming(false)}
        >
          <p>{t('contacts.privacy.eraseExplain', { name: label })}</p>
          <p>
            <strong>{t('contacts.privacy.eraseFinal')}</strong>
          </p>
          {erase.error && (
            <p className="form-error" role="alert">
              {errorText(erase.error, t)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('contacts.cancel')}
            </button>
            <button
              type="button"
              className="btn danger"
              disabled={erase.isPending}
              onClick={() =>
                erase.mutate(contact.id, {
                  onSuccess: (r) => navigate(`/contacts?erased=${r.conversations}-${r.messages}`),
                })
              }
            >
              {t('contacts.privacy.eraseConfirm')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
