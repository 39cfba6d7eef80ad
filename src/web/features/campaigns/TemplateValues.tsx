import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinitionDto } from '../../../contracts/contact-attributes.schemas.ts';
import { errorText } from '../../lib/errors.ts';
import {
  CONTACT_FIELDS,
  type ButtonForm,
  type HeaderMediaForm,
  type TemplateValuesForm,
  type VariableForm,
} from './template-values-form.ts';
import { useUploadHeaderMedia } from './queries.ts';

/*
 * The builder's inputs for what a template takes per recipient: the header's media (an uploaded file or a link),
 * and one row per value — a text header's variable, the body's variables, URL buttons' suffixes and quick-reply
 * payloads — each read from a contact field, an attribute, a fixed text, a tracked link (body and URL buttons) or a
 * CSV column, with a fallback.
 */

export type Kind = VariableForm['kind'];

/**
 * Which sources besides contact fields a value may read, by where it goes: a tracked link only in the body and on
 * URL buttons (there it makes the button tracked), nothing at all only for a quick reply (no payload).
 */
export type ValuePlace = 'header' | 'body' | 'url' | 'quick_reply';
const KINDS: Record<ValuePlace, Kind[]> = {
  header: ['attribute', 'literal', 'csv'],
  body: ['attribute', 'literal', 'link', 'csv'],
  url: ['attribute', 'literal', 'link', 'csv'],
  quick_reply: ['none', 'attribute', 'literal', 'csv'],
};

/**
 * Everything a template takes per recipient, as the campaign builder and the reminder form edit it: the header's
 * media (when the template has an image, video or document header), then the table of values. `f` is the form that
 * holds the values; `setF` updates it. `linkOnly`: the header's media is a link (reminders upload nothing).
 */
export function TemplateValuesEditor<F extends TemplateValuesForm>(props: {
  f: F;
  setF: (update: (f: F) => F) => void;
  phoneNumberId: string | undefined;
  attributes: AttributeDefinitionDto[];
  problem: (key: 'headerMedia' | `variable:${string}`) => ReactNode;
  kinds?: Record<ValuePlace, Kind[]>;
  linkOnly?: boolean;
}) {
  const { f, setF } = props;
  return (
    <>
      {f.headerMedia && (
        <HeaderMediaInput
          media={f.headerMedia}
          phoneNumberId={props.phoneNumberId}
          onChange={(patch) =>
            setF((x) => ({ ...x, headerMedia: x.headerMedia && { ...x.headerMedia, ...patch } }))
          }
          linkOnly={props.linkOnly}
        >
          {props.problem('headerMedia')}
        </HeaderMediaInput>
      )}
      <TemplateValuesTable
        f={f}
        {...(props.kinds ? { kinds: props.kinds } : {})}
        attributes={props.attributes}
        problem={props.problem}
        setVariable={(placeholder, patch) =>
          setF((x) => ({
            ...x,
            variables: x.variables.map((v) => (v.placeholder === placeholder ? { ...v, ...patch } : v)),
          }))
        }
        setHeaderVariable={(patch) =>
          setF((x) => ({ ...x, headerVariable: x.headerVariable && { ...x.headerVariable, ...patch } }))
        }
        setButton={(index, patch) =>
          setF((x) => ({ ...x, buttons: x.buttons.map((b) => (b.index === index ? { ...b, ...patch } : b)) }))
        }
      />
    </>
  );
}

/**
 * The table of values: header variable, body variables, then buttons; nothing when the template has none. `kinds`
 * narrows the sources per place (a reminder has no tracked links and no CSV).
 */
export function TemplateValuesTable(props: {
  f: TemplateValuesForm;
  kinds?: Record<ValuePlace, Kind[]>;
  attributes: AttributeDefinitionDto[];
  problem: (key: `variable:${string}`) => ReactNode;
  setVariable: (placeholder: string, patch: Partial<VariableForm>) => void;
  setHeaderVariable: (patch: Partial<VariableForm>) => void;
  setButton: (index: number, patch: Partial<ButtonForm>) => void;
}) {
  const { t } = useTranslation();
  const { f } = props;
  const kinds = props.kinds ?? KINDS;
  if (f.variables.length === 0 && !f.headerVariable && f.buttons.length === 0) return null;
  return (
    <ValuesTable>
      {f.headerVariable && (
        <ValueRow
          id="header"
          v={f.headerVariable}
          name={t('campaigns.headerName', { name: f.headerVariable.placeholder })}
          label={
            <>
              <span className="small muted">{t('campaigns.header')}</span>{' '}
              <code>{`{{${f.headerVariable.placeholder}}}`}</code>
            </>
          }
          kinds={kinds.header}
          attributes={props.attributes}
          onChange={props.setHeaderVariable}
          problem={props.problem('variable:header')}
        />
      )}
      {f.variables.map((v) => (
        <ValueRow
          key={v.placeholder}
          id={v.placeholder}
          v={v}
          name={v.placeholder}
          label={<code>{`{{${v.placeholder}}}`}</code>}
          kinds={kinds.body}
          attributes={props.attributes}
          onChange={(patch) => props.setVariable(v.placeholder, patch)}
          problem={props.problem(`variable:${v.placeholder}`)}
        />
      ))}
      {f.buttons.map((b) => (
        <ValueRow
          key={b.index}
          id={`button:${b.index}`}
          v={b}
          name={t('campaigns.buttonName', { label: b.label || String(b.index + 1) })}
          label={
            <>
              <span className="small muted">
                {t(b.button === 'url' ? 'campaigns.urlButton' : 'campaigns.quickReplyButton')}
              </span>{' '}
              <span data-content>{b.label}</span>
            </>
          }
          kinds={kinds[b.button]}
          attributes={props.attributes}
          onChange={(patch) => props.setButton(b.index, patch)}
          problem={props.problem(`variable:button:${b.index}`)}
          // A tracked button's suffix is the recipient's own code; a quick reply may go without a payload.
          fallback={b.kind !== 'link' && b.kind !== 'none'}
        />
      ))}
    </ValuesTable>
  );
}

/** The frame of a table of template values (variable, source, fallback); its rows are `ValueRow`s. */
export function ValuesTable(props: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <table className="table campaign-variables">
      <caption className="visually-hidden">{t('campaigns.variables')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('campaigns.variable')}</th>
          <th scope="col">{t('campaigns.source')}</th>
          <th scope="col">{t('campaigns.fallback')}</th>
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/**
 * One value of a template: where it is read from (a contact field, or one of `kinds`), the input that source
 * needs, and its fallback.
 */
export function ValueRow(props: {
  id: string;
  v: VariableForm;
  /** How the value is named in the inputs' labels. */
  name: string;
  label: ReactNode;
  kinds: Kind[];
  attributes: AttributeDefinitionDto[];
  onChange: (patch: Partial<VariableForm>) => void;
  problem: ReactNode;
  fallback?: boolean;
}) {
  const { t } = useTranslation();
  const { v, name, onChange } = props;
  return (
    <tr data-variable={props.id}>
      <td>{props.label}</td>
      <td className="variable-source">
        <select
          aria-label={t('campaigns.sourceOf', { variable: name })}
          value={v.kind === 'field' ? `field:${v.field}` : v.kind}
          onChange={(e) => {
            const value = e.target.value;
            if (value.startsWith('field:'))
              onChange({ kind: 'field', field: value.slice(6) as VariableForm['field'] });
            else onChange({ kind: value as Kind });
          }}
        >
          {props.kinds.includes('none') && <option value="none">{t('campaigns.fields.none')}</option>}
          {CONTACT_FIELDS.map((field) => (
            <option key={field} value={`field:${field}`}>
              {t(`campaigns.fields.${field}`)}
            </option>
          ))}
          {props.kinds
            .filter((k) => k !== 'none')
            .map((k) => (
              <option key={k} value={k}>
                {t(`campaigns.fields.${k}`)}
              </option>
            ))}
        </select>
        {v.kind === 'csv' && (
          <input
            aria-label={t('campaigns.columnOf', { variable: name })}
            placeholder={t('campaigns.columnPlaceholder')}
            value={v.column}
            onChange={(e) => onChange({ column: e.target.value })}
          />
        )}
        {v.kind === 'attribute' && (
          <select
            aria-label={t('campaigns.attributeOf', { variable: name })}
            value={v.attribute}
            onChange={(e) => onChange({ attribute: e.target.value })}
          >
            <option value="">{t('campaigns.pickAttribute')}</option>
            {props.attributes.map((a) => (
              <option key={a.key} value={a.key}>
                {a.label} ({a.key})
              </option>
            ))}
          </select>
        )}
        {v.kind === 'link' && (
          <input
            type="url"
            aria-label={t('campaigns.linkOf', { variable: name })}
            placeholder="https://"
            value={v.url}
            onChange={(e) => onChange({ url: e.target.value })}
          />
        )}
        {v.kind === 'literal' && (
          <input
            aria-label={t('campaigns.literalOf', { variable: name })}
            value={v.literal}
            onChange={(e) => onChange({ literal: e.target.value })}
          />
        )}
      </td>
      <td>
        {props.fallback !== false && (
          <input
            aria-label={t('campaigns.fallbackOf', { variable: name })}
            value={v.fallback}
            placeholder={v.example ?? ''}
            onChange={(e) => onChange({ fallback: e.target.value })}
          />
        )}
        {props.problem}
      </td>
    </tr>
  );
}

const ACCEPT: Record<HeaderMediaForm['type'], string | undefined> = {
  image: 'image/jpeg,image/png',
  video: 'video/mp4,video/3gpp',
  document: undefined,
};

/**
 * The media of an IMAGE, VIDEO or DOCUMENT header: a file uploaded now (for the first sending number; the server
 * uploads it for the others when it sends) whose name is shown, or a public https link WhatsApp fetches itself.
 */
export function HeaderMediaInput(props: {
  media: HeaderMediaForm;
  phoneNumberId: string | undefined;
  /** Only a link (reminders: nothing is uploaded ahead of a send); the upload/link choice is not shown. */
  linkOnly?: boolean;
  onChange: (patch: Partial<HeaderMediaForm>) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const upload = useUploadHeaderMedia();
  const { media, onChange } = props;
  const type = t(`campaigns.headerMedia.types.${media.type}`);
  return (
    <fieldset className="field header-media" data-header-media={media.type}>
      <legend>{t('campaigns.headerMedia.title', { type })}</legend>
      <div
        className="segmented-radios"
        role="radiogroup"
        aria-label={t('campaigns.headerMedia.title', { type })}
        hidden={props.linkOnly}
      >
        {(['upload', 'link'] as const).map((mode) => (
          <label key={mode} className="check">
            <input
              type="radio"
              name="header-media-mode"
              value={mode}
              checked={media.mode === mode}
              onChange={() => onChange({ mode })}
            />
            {t(`campaigns.headerMedia.${mode}`)}
          </label>
        ))}
      </div>
      {media.mode === 'upload' ? (
        <label className="field">
          <span>{t('campaigns.headerMedia.file', { type })}</span>
          <input
            type="file"
            name="header-file"
            accept={ACCEPT[media.type]}
            disabled={upload.isPending || !props.phoneNumberId}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file && props.phoneNumberId)
                upload.mutate(
                  { file, phoneNumberId: props.phoneNumberId },
                  { onSuccess: (r) => onChange({ mediaId: r.id, filename: r.filename || file.name }) },
                );
            }}
          />
          <span className="small muted" aria-live="polite" data-header-file={media.filename || undefined}>
            {upload.isPending
              ? t('campaigns.headerMedia.uploading')
              : upload.isError
                ? errorText(upload.error, t)
                : !props.phoneNumberId
                  ? t('campaigns.headerMedia.needsNumber')
                  : media.mediaId
                    ? t('campaigns.headerMedia.chosen', { name: media.filename || media.mediaId })
                    : t('campaigns.headerMedia.uploadHint')}
          </span>
        </label>
      ) : (
        <label className="field">
          <span>{t('campaigns.headerMedia.linkLabel', { type })}</span>
          <input
            type="url"
            name="header-link"
            placeholder="https://"
            value={media.link}
            onChange={(e) => onChange({ link: e.target.value })}
          />
          <span className="small muted">{t('campaigns.headerMedia.linkHint')}</span>
        </label>
      )}
      {props.children}
    </fieldset>
  );
}
