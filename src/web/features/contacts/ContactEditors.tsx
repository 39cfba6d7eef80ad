import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinitionDto } from '../../../contracts/contact-attributes.schemas.ts';
import { errorText } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { userName, useUsers } from '../../lib/queries.ts';
import type { Contact } from '../../lib/types.ts';
import { useContactAttributes } from '../campaigns/queries.ts';
import { useContactNotes, useEditContact } from './queries.ts';

/** An attribute's value as typed in its input, in the JSON type its definition asks for. */
export function attributeValue(def: AttributeDefinitionDto | undefined, raw: string): unknown {
  if (def?.type === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (def?.type === 'boolean') return raw === 'true';
  return raw;
}

/** The input for one attribute's value, by its type: a number, a date, yes/no, one of the choices, or text. */
export function AttributeValueInput({
  def,
  value,
  onChange,
  label,
}: {
  def: AttributeDefinitionDto | undefined;
  value: string;
  onChange: (v: string) => void;
  label: string;
}) {
  const { t } = useTranslation();
  if (def?.type === 'boolean' || def?.type === 'choice')
    return (
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="" />
        {(def.type === 'boolean' ? ['true', 'false'] : def.choices).map((c) => (
          <option key={c} value={c}>
            {def.type === 'boolean' ? t(`contacts.editor.${c === 'true' ? 'yes' : 'no'}`) : c}
          </option>
        ))}
      </select>
    );
  return (
    <input
      aria-label={label}
      type={def?.type === 'number' ? 'number' : def?.type === 'date' ? 'date' : 'text'}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/**
 * Where the contact's sections are shown: cards on the contact page, or the narrow side panel beside a
 * conversation in the inbox. The content and the editing are the same.
 */
export type ContactLayout = 'page' | 'panel';

/** What a contact section shows and whether the reader may edit it there. */
interface ContactSectionProps {
  contact: Contact;
  canEdit: boolean;
  layout?: ContactLayout;
}

const sectionClass = (layout: ContactLayout) =>
  layout === 'page' ? 'card contact-section' : 'panel-section';

/** The section's heading: a card's h2 on the contact page, an h3 under the panel's own h2. */
function SectionHeading({ layout, children }: { layout: ContactLayout; children: string }) {
  return layout === 'page' ? <h2>{children}</h2> : <h3>{children}</h3>;
}

/**
 * The contact's tags and attributes, editable by anyone who may converse: a tag added or removed, an attribute of
 * the workspace's schema set (validated by the server by its type) or removed.
 */
export function TagsAndAttributesSection({ contact, canEdit, layout = 'page' }: ContactSectionProps) {
  const { t } = useTranslation();
  const edit = useEditContact(contact.id);
  const defs = useContactAttributes().data ?? [];
  const [tag, setTag] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const attributes = Object.entries(contact.attributes);
  const def = defs.find((d) => d.key === key);
  const addTag = (e: FormEvent) => {
    e.preventDefault();
    if (!tag.trim()) return;
    edit.mutate({ kind: 'addTag', tag: tag.trim() }, { onSuccess: () => setTag('') });
  };
  const setAttribute = (e: FormEvent) => {
    e.preventDefault();
    if (!key || value === '') return;
    edit.mutate(
      { kind: 'attributes', attributes: { [key]: attributeValue(def, value) } },
      { onSuccess: () => setValue('') },
    );
  };
  return (
    <>
      <section className={sectionClass(layout)} aria-label={t('contacts.tags')}>
        <SectionHeading layout={layout}>{t('contacts.tags')}</SectionHeading>
        {contact.tags.length === 0 && <p className="small muted">—</p>}
        <ul className="tags">
          {contact.tags.map((tg) => (
            <li key={tg} className="tag" data-content>
              {tg}
              {canEdit && (
                <button
                  type="button"
                  aria-label={t('contact.removeTag', { tag: tg })}
                  onClick={() => edit.mutate({ kind: 'removeTag', tag: tg })}
                >
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
        {canEdit && (
          <form className="inline-form" onSubmit={addTag}>
            <input
              aria-label={t('contact.addTag')}
              placeholder={t('contact.addTag')}
              value={tag}
              maxLength={50}
              onChange={(e) => setTag(e.target.value)}
            />
            <button className="btn small" type="submit" disabled={edit.isPending}>
              {t('app.add')}
            </button>
          </form>
        )}
      </section>
      <section className={sectionClass(layout)} aria-label={t('contacts.attributes')}>
        <SectionHeading layout={layout}>{t('contacts.attributes')}</SectionHeading>
        {attributes.length === 0 ? (
          <p className="small muted">—</p>
        ) : (
          <dl className="contact-profile">
            {attributes.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="mono">{defs.find((d) => d.key === k)?.label ?? k}</dt>
                <dd className="mono" data-attribute={k}>
                  {typeof v === 'string' ? v : JSON.stringify(v)}{' '}
                  {canEdit && (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={t('contacts.editor.removeAttribute', { key: k })}
                      onClick={() => edit.mutate({ kind: 'attributes', attributes: { [k]: null } })}
                    >
                      ✕
                    </button>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        )}
        {canEdit && defs.length > 0 && (
          <form className="inline-form" onSubmit={setAttribute}>
            <select
              aria-label={t('contacts.editor.attribute')}
              value={key}
              onChange={(e) => {
                setKey(e.target.value);
                setValue('');
              }}
            >
              <option value="">{t('contacts.editor.pickAttribute')}</option>
              {defs.map((d) => (
                <option key={d.key} value={d.key}>
                  {d.label}
                </option>
              ))}
            </select>
            <AttributeValueInput def={def} value={value} onChange={setValue} label={t('contacts.value')} />
            <button className="btn small" type="submit" disabled={!key || value === '' || edit.isPending}>
              {t('contacts.editor.set')}
            </button>
          </form>
        )}
        {edit.error && (
          <p className="form-error" role="alert">
            {errorText(edit.error, t)}
          </p>
        )}
      </section>
    </>
  );
}

/** The notes about the contact, oldest first, and (for those who may converse) a form to add one below them. */
export function NotesSection({ contact, canEdit, layout = 'page' }: ContactSectionProps) {
  const { t, i18n } = useTranslation();
  const notes = useContactNotes(contact.id).data ?? [];
  const users = useUsers().data;
  return (
    <section className={sectionClass(layout)} aria-label={t('contacts.notes')}>
      <SectionHeading layout={layout}>{t('contacts.notes')}</SectionHeading>
      {notes.length === 0 && <p className="small muted">—</p>}
      <ul className="contact-notes">
        {notes.map((note) => (
          <li key={note.id}>
            <div className="small muted">
              {userName(users, note.authorUserId) ?? t('conversation.someone')} ·{' '}
              {formatDateTime(note.createdAt, i18n.language)}
            </div>
            <div className="pre-wrap" data-content>
              {note.body}
            </div>
          </li>
        ))}
      </ul>
      {canEdit && <AddNoteForm contactId={contact.id} />}
    </section>
  );
}

/** A note about the contact. */
export function AddNoteForm({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const edit = useEditContact(contactId);
  const [body, setBody] = useState('');
  return (
    <form
      className="stack-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!body.trim()) return;
        edit.mutate({ kind: 'note', body: body.trim() }, { onSuccess: () => setBody('') });
      }}
    >
      <textarea
        aria-label={t('contact.notePlaceholder')}
        placeholder={t('contact.notePlaceholder')}
        rows={2}
        value={body}
        maxLength={5000}
        onChange={(e) => setBody(e.target.value)}
      />
      <button className="btn small" type="submit" disabled={edit.isPending}>
        {t('contact.addNote')}
      </button>
      {edit.error && (
        <p className="form-error" role="alert">
          {errorText(edit.error, t)}
        </p>
      )}
    </form>
  );
}
