import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactMergeDto } from '../../../contracts/contact-merges.schemas.ts';
import { Link } from '../../app/router.tsx';
import { isAdmin, useSession } from '../../app/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { formatDateTime } from '../../lib/format.ts';
import type { Contact } from '../../lib/types.ts';
import { useContactDuplicates, useContactMerges, useMergeContacts, useUndoMerge } from './queries.ts';
import { errorText } from '../../lib/errors.ts';

/** How a contact is named in the console. */
export function contactLabel(c: Pick<Contact, 'name' | 'profileName' | 'phone' | 'waId'>): string {
  return c.name ?? c.profileName ?? c.phone ?? `+${c.waId}`;
}

/**
 * A contact's possible duplicates, each with a "merge into this contact" action (owners and admins) behind a
 * dialog that says what a merge does; after a merge, an undo right here. Hidden for a contact merged already.
 */
export function DuplicatesSection({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const admin = isAdmin(useSession().role);
  const duplicates = useContactDuplicates(contact.id, !contact.mergedIntoId);
  const merge = useMergeContacts();
  const undo = useUndoMerge();
  const [asking, setAsking] = useState<Contact | null>(null);
  const [done, setDone] = useState<{ merge: ContactMergeDto; source: string } | null>(null);
  if (contact.mergedIntoId) return null;
  const survivor = contactLabel(contact);
  const list = duplicates.data ?? [];
  return (
    <section className="card contact-section" aria-label={t('contacts.duplicates')}>
      <h2>{t('contacts.duplicates')}</h2>
      {done && (
        <p className="banner" role="status">
          {done.merge.undoneAt ? t('contacts.undone') : t('contacts.merged', { source: done.source })}{' '}
          {!done.merge.undoneAt && (
            <button
              type="button"
              className="btn"
              disabled={undo.isPending}
              onClick={() =>
                undo.mutate(done.merge.id, { onSuccess: (m) => setDone({ merge: m, source: done.source }) })
              }
            >
              {t('contacts.undo')}
            </button>
          )}
        </p>
      )}
      {duplicates.isSuccess && list.length === 0 && (
        <p className="small muted">{t('contacts.noDuplicates')}</p>
      )}
      <ul className="plain-list duplicate-list">
        {list.map((d) => (
          <li key={d.contact.id} className="duplicate-row">
            <Link href={`/contacts/${d.contact.id}`}>
              <span data-content>{contactLabel(d.contact)}</span>
            </Link>{' '}
            <span className="small muted mono">{d.contact.phone ?? `+${d.contact.waId}`}</span>{' '}
            {d.reasons.map((r) => (
              <span key={r} className="chip">
                {t(`contacts.reasons.${r}`)}
              </span>
            ))}
            {admin && (
              <button type="button" className="btn" onClick={() => setAsking(d.contact)}>
                {t('contacts.mergeAction')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {(merge.error ?? undo.error) && (
        <p className="form-error" role="alert">
          {(merge.error ?? undo.error)?.message}
        </p>
      )}
      {asking && (
        <Dialog
          title={t('contacts.mergeTitle', { source: contactLabel(asking), survivor })}
          onClose={() => setAsking(null)}
        >
          <p>{t('contacts.mergeExplain', { source: contactLabel(asking), survivor })}</p>
          <p>{t('contacts.mergeKeeps', { source: contactLabel(asking) })}</p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setAsking(null)}>
              {t('contacts.cancel')}
            </button>
            <button
              type="button"
              className="btn primary"
              disabled={merge.isPending}
              onClick={() =>
                merge.mutate(
                  { survivorId: contact.id, sourceContactId: asking.id },
                  {
                    onSuccess: (m) => {
                      setDone({ merge: m, source: contactLabel(asking) });
                      setAsking(null);
                    },
                  },
                )
              }
            >
              {t('contacts.mergeConfirm')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** The merges a contact took part in, newest first, with an undo on those still in effect (owners and admins). */
export function MergeHistorySection({ contact }: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const admin = isAdmin(useSession().role);
  const merges = useContactMerges(contact.id);
  const undo = useUndoMerge();
  const list = merges.data ?? [];
  if (list.length === 0) return null;
  const who = (id: string) => (id === contact.id ? t('contacts.thisContact') : null);
  return (
    <section className="card contact-section" aria-label={t('contacts.history')}>
      <h2>{t('contacts.history')}</h2>
      <ul className="plain-list merge-history">
        {list.map((m) => (
          <li key={m.id}>
            {t('contacts.historyMerged', {
              source: who(m.sourceId) ?? t('contacts.anotherContact'),
              survivor: who(m.survivorId) ?? t('contacts.anotherContact'),
            })}{' '}
            <span className="small muted">
              {formatDateTime(m.createdAt, i18n.language)} ·{' '}
              {t('contacts.historySummary', {
                conversations: m.moved.conversations + m.moved.foldedConversations,
                messages: m.moved.messages,
              })}
              {m.undoneAt && (
                <> · {t('contacts.historyUndone', { at: formatDateTime(m.undoneAt, i18n.language) })}</>
              )}
            </span>{' '}
            <Link href={`/contacts/${m.sourceId === contact.id ? m.survivorId : m.sourceId}`}>↗</Link>{' '}
            {admin && !m.undoneAt && (
              <button
                type="button"
                className="btn"
                disabled={undo.isPending}
                onClick={() => undo.mutate(m.id)}
              >
                {t('contacts.undo')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {undo.error && (
        <p className="form-error" role="alert">
          {errorText(undo.error, t)}
        </p>
      )}
    </section>
  );
}
