import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isSafeHttpUrl } from '../../lib/format-wa.ts';
import { arr, num, obj, str, type Obj } from '../../lib/json.ts';
import { sentTemplateValues, templatePreview } from '../../lib/template.ts';
import { WaText } from './WaText.tsx';

/** What a tap on an interactive element sends back (the phone page). */
export type TapReply =
  | { kind: 'button'; id: string; title: string }
  | { kind: 'list'; id: string; title: string; description?: string }
  | { kind: 'quick'; payload: string; text: string };

export interface MessageContentProps {
  type: string;
  /** The message in the Cloud API's shape: `{type, [type]: {...}, context?}`. */
  content: Obj;
  /** Where this message's media bytes can be loaded from, if anywhere. */
  mediaUrl?: string | null;
  mediaState?: 'pending' | 'stored' | 'failed' | null;
  /** Template definitions (components) by `name:language`, to show a sent template as the customer sees it. */
  templateComponents?: (name: string, language: string) => Obj[] | undefined;
  /** The phone page: tapping a button or list row replies. */
  onTap?: (reply: TapReply) => void;
}

/** Renders every WhatsApp message type as the customer sees it (customer content as text only). */
export function MessageContent(p: MessageContentProps) {
  const { t } = useTranslation();
  const body = obj(p.content[p.type]);
  switch (p.type) {
    case 'text':
      return <WaText text={str(body.body) ?? ''} />;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return <Media kind={p.type} body={body} url={p.mediaUrl ?? null} state={p.mediaState ?? null} />;
    case 'location':
      return <Location body={body} />;
    case 'contacts':
      return <ContactCards contacts={arr(p.content.contacts)} />;
    case 'interactive':
      return <Interactive body={body} onTap={p.onTap} />;
    case 'button':
      return (
        <span className="msg-reply-chip">
          <span className="muted">{t('message.buttonReply')}: </span>
          {str(body.text) ?? str(body.payload) ?? ''}
        </span>
      );
    case 'template':
      return <TemplateMessage template={body} lookup={p.templateComponents} onTap={p.onTap} />;
    case 'reaction':
      return (
        <span className="muted">
          {str(body.emoji) ? t('message.reaction', { emoji: str(body.emoji) }) : t('message.reactionRemoved')}
        </span>
      );
    case 'revoke':
      return <span className="muted italic">{t('message.deleted')}</span>;
    case 'edit': {
      const inner = obj(obj(body.message).text);
      return <span>{t('message.edited', { text: str(inner.body) ?? '' })}</span>;
    }
    case 'system':
      return <span className="muted">{str(body.body) ?? t('message.system')}</span>;
    case 'order':
      return <span>{t('message.order', { count: arr(body.product_items).length })}</span>;
    default:
      return <span className="muted italic">{t('message.unsupported', { type: p.type })}</span>;
  }
}

function Caption({ body }: { body: Obj }) {
  const caption = str(body.caption);
  return caption ? (
    <div className="msg-caption">
      <WaText text={caption} />
    </div>
  ) : null;
}

function Media({
  kind,
  body,
  url,
  state,
}: {
  kind: string;
  body: Obj;
  url: string | null;
  state: string | null;
}) {
  const { t } = useTranslation();
  const [broken, setBroken] = useState(false);
  const link = str(body.link);
  const src = url ?? (isSafeHttpUrl(link) ? link : null);
  const filename = str(body.filename);
  const label =
    kind === 'audio' && body.voice === true ? t('message.voice') : t(`message.${kind}` as 'message.image');
  let preview: ReactNode;
  if (state === 'pending') preview = <div className="media-placeholder">{t('message.mediaPending')}</div>;
  else if (!src || broken || state === 'failed')
    preview = (
      <div className="media-placeholder" title={filename}>
        <span aria-hidden="true">
          {kind === 'document' ? '📄' : kind === 'audio' ? '🎵' : kind === 'video' ? '🎬' : '🖼️'}
        </span>{' '}
        {filename ?? label}
      </div>
    );
  else if (kind === 'image' || kind === 'sticker')
    preview = (
      <a href={src} target="_blank" rel="noopener noreferrer">
        <img
          className={kind === 'sticker' ? 'media-sticker' : 'media-image'}
          src={src}
          alt={str(body.caption) ?? label}
          loading="lazy"
          onError={() => setBroken(true)}
        />
      </a>
    );
  else if (kind === 'video')
    preview = (
      <video className="media-video" src={src} controls preload="metadata" onError={() => setBroken(true)} />
    );
  else if (kind === 'audio')
    preview = (
      <audio src={src} controls preload="metadata" onError={() => setBroken(true)} aria-label={label} />
    );
  else
    preview = (
      <div className="media-doc">
        <span aria-hidden="true">📄</span> <span className="media-doc-name">{filename ?? label}</span>
      </div>
    );
  return (
    <div className="msg-media">
      {preview}
      {src && state !== 'pending' && !broken && (
        <a className="media-download" href={src} download={filename ?? ''} rel="noopener noreferrer">
          {t('conversation.download')}
        </a>
      )}
      <Caption body={body} />
    </div>
  );
}

function Location({ body }: { body: Obj }) {
  const { t } = useTranslation();
  const lat = num(body.latitude);
  const lng = num(body.longitude);
  const ok = lat !== undefined && lng !== undefined && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  const href = ok ? `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}` : null;
  return (
    <div className="msg-location">
      <span aria-hidden="true">📍</span>{' '}
      <span>
        <strong>{str(body.name) ?? t('message.location')}</strong>
        {str(body.address) && <span className="block muted">{str(body.address)}</span>}
        {ok && (
          <span className="block muted small">
            {lat?.toFixed(5)}, {lng?.toFixed(5)}
          </span>
        )}
        {href && (
          <a className="block" href={href} target="_blank" rel="noopener noreferrer">
            {t('message.openMap')}
          </a>
        )}
      </span>
    </div>
  );
}

function ContactCards({ contacts }: { contacts: Obj[] }) {
  const { t } = useTranslation();
  return (
    <div className="msg-contacts">
      {contacts.map((c, i) => {
        const name = obj(c.name);
        return (
          <div key={i} className="contact-card">
            <div className="contact-card-title">
              👤 {str(name.formatted_name) ?? str(name.first_name) ?? t('message.contacts')}
            </div>
            {arr(c.phones).map((ph, j) => (
              <div key={`p${j}`} className="small">
                {t('message.phone')}: {str(ph.phone) ?? str(ph.wa_id)}
              </div>
            ))}
            {arr(c.emails).map((em, j) => (
              <div key={`e${j}`} className="small">
                {t('message.email')}: {str(em.email)}
              </div>
            ))}
            {arr(c.urls).map((u, j) => {
              const url = str(u.url);
              return isSafeHttpUrl(url) ? (
                <a
                  key={`u${j}`}
                  className="block small"
                  href={url}
                  target="_blank"
                  rel="noopener noreferrer nofollow"
                >
                  {url}
                </a>
              ) : null;
            })}
          </div>
        );
      })}
    </div>
  );
}

function Header({ header }: { header: Obj }) {
  const type = str(header.type);
  if (type === 'text') return <div className="msg-header">{str(header.text)}</div>;
  if (type === 'image' || type === 'video' || type === 'document')
    return <Media kind={type} body={obj(header[type])} url={null} state={null} />;
  return null;
}

function Interactive({ body, onTap }: { body: Obj; onTap?: ((r: TapReply) => void) | undefined }) {
  const { t } = useTranslation();
  const type = str(body.type);
  if (type === 'button_reply' || type === 'list_reply') {
    const r = obj(body[type]);
    return (
      <span className="msg-reply-chip">
        <span className="muted">
          {t(type === 'button_reply' ? 'message.buttonReply' : 'message.listReply')}:{' '}
        </span>
        {str(r.title) ?? ''}
        {str(r.description) && <span className="block small muted">{str(r.description)}</span>}
      </span>
    );
  }
  if (type === 'nfm_reply') return <span className="msg-reply-chip">{t('message.flow')}</span>;
  const action = obj(body.action);
  const text = str(obj(body.body).text);
  const footer = str(obj(body.footer).text);
  return (
    <div className="msg-interactive">
      {body.header !== undefined && <Header header={obj(body.header)} />}
      {text && <WaText text={text} />}
      {footer && <div className="msg-footer">{footer}</div>}
      {type === 'button' && (
        <div className="msg-buttons">
          {arr(action.buttons).map((b, i) => {
            const r = obj(b.reply);
            const title = str(r.title) ?? '';
            return (
              <button
                key={i}
                type="button"
                className="msg-button"
                disabled={!onTap}
                onClick={() => onTap?.({ kind: 'button', id: str(r.id) ?? '', title })}
              >
                {title}
              </button>
            );
          })}
        </div>
      )}
      {type === 'list' && <ListMenu action={action} onTap={onTap} />}
      {type === 'cta_url' && <CtaUrl params={obj(action.parameters)} />}
      {type !== 'button' && type !== 'list' && type !== 'cta_url' && (
        <div className="msg-buttons">
          <span className="msg-button static">
            {str(obj(action.parameters).flow_cta) ?? str(action.button) ?? t('message.interactive')}
          </span>
        </div>
      )}
    </div>
  );
}

function CtaUrl({ params }: { params: Obj }) {
  const url = str(params.url);
  const label = str(params.display_text) ?? url ?? '';
  return (
    <div className="msg-buttons">
      {isSafeHttpUrl(url) ? (
        <a className="msg-button" href={url} target="_blank" rel="noopener noreferrer nofollow">
          ↗ {label}
        </a>
      ) : (
        <span className="msg-button static">{label}</span>
      )}
    </div>
  );
}

function ListMenu({ action, onTap }: { action: Obj; onTap?: ((r: TapReply) => void) | undefined }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <div className="msg-buttons">
      <button type="button" className="msg-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        ☰ {str(action.button) ?? t('message.listButton')}
      </button>
      {open && (
        <div className="msg-list" role="list">
          {arr(action.sections).map((s, i) => (
            <div key={i} role="group" aria-label={str(s.title)}>
              {str(s.title) && <div className="msg-list-section">{str(s.title)}</div>}
              {arr(s.rows).map((r, j) => {
                const title = str(r.title) ?? '';
                const description = str(r.description);
                return (
                  <button
                    key={j}
                    type="button"
                    role="listitem"
                    className="msg-list-row"
                    disabled={!onTap}
                    onClick={() => {
                      setOpen(false);
                      onTap?.({
                        kind: 'list',
                        id: str(r.id) ?? '',
                        title,
                        ...(description ? { description } : {}),
                      });
                    }}
                  >
                    <span>{title}</span>
                    {description && <span className="block small muted">{description}</span>}
                  </button>
                );
              })}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function TemplateMessage({
  template,
  lookup,
  onTap,
}: {
  template: Obj;
  lookup: ((name: string, language: string) => Obj[] | undefined) | undefined;
  onTap?: ((r: TapReply) => void) | undefined;
}) {
  const { t } = useTranslation();
  const name = str(template.name) ?? '';
  const language = str(obj(template.language).code) ?? '';
  const components = lookup?.(name, language);
  if (!components) {
    const params = arr(template.components).flatMap((c) =>
      arr(c.parameters)
        .map((p) => str(p.text))
        .filter(Boolean),
    );
    return (
      <div className="msg-template">
        <div className="msg-template-name">{t('message.template', { name })}</div>
        {params.length > 0 && <div className="small muted">{params.join(' · ')}</div>}
      </div>
    );
  }
  const values = sentTemplateValues(template);
  const pv = templatePreview(components, (k) => values[k]);
  return (
    <div className="msg-template">
      {pv.header && <div className="msg-header">{pv.header}</div>}
      {pv.headerMedia && <div className="media-placeholder">{pv.headerMedia}</div>}
      <WaText text={pv.body} />
      {pv.footer && <div className="msg-footer">{pv.footer}</div>}
      {pv.buttons.length > 0 && (
        <div className="msg-buttons">
          {pv.buttons.map((b, i) => (
            <button
              key={i}
              type="button"
              className="msg-button"
              disabled={!onTap}
              onClick={() => onTap?.({ kind: 'quick', payload: b, text: b })}
            >
              {b}
            </button>
          ))}
        </div>
      )}
      <div className="msg-template-name small">{t('message.template', { name })}</div>
    </div>
  );
}
