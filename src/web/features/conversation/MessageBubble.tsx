import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageContent } from '../../components/message/MessageContent.tsx';
import { formatTime } from '../../lib/format.ts';
import { obj, str, type Obj } from '../../lib/json.ts';
import type { Message } from '../../lib/types.ts';
import { Ticks } from './Ticks.tsx';

const MEDIA = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** Where a message's media can be loaded: stored inbound media, or outbound media uploaded through Tsunagi. */
function mediaUrl(m: Message): string | null {
  if (!MEDIA.has(m.type)) return null;
  if (m.direction === 'inbound') return m.mediaStatus === 'stored' ? `/api/v1/messages/${m.id}/media` : null;
  return str(obj(m.content[m.type]).id) ? `/api/v1/messages/${m.id}/media` : null;
}

/** Short text of a quoted message. */
export function quoteText(m: Message): string {
  const body = obj(m.content[m.type]);
  return (
    str(body.body) ?? str(body.caption) ?? str(obj(body.body).text) ?? str(body.filename) ?? `[${m.type}]`
  );
}

/** One message: content, quoted reply, reactions, time, delivery ticks or failure reason, and a reply action. */
export const MessageBubble = memo(function MessageBubble({
  m,
  quoted,
  reactions,
  authorLabel,
  onReply,
  templateComponents,
}: {
  m: Message;
  quoted: Message | null | undefined;
  reactions: string[];
  authorLabel: string | null;
  onReply: (m: Message) => void;
  templateComponents: (name: string, language: string) => Obj[] | undefined;
}) {
  const { t, i18n } = useTranslation();
  const out = m.direction === 'outbound';
  const ctx = obj(m.content.context);
  const hasQuote = !!(str(ctx.id) ?? str(ctx.message_id));
  const at = m.timestamps.whatsapp ?? m.timestamps.created;
  return (
    <div className={`msg-row ${out ? 'out' : 'in'}`} data-message-id={m.id} data-direction={m.direction}>
      <div className={`bubble ${out ? 'out' : 'in'} ${m.status === 'failed' ? 'failed' : ''}`}>
        {(authorLabel || m.origin === 'automation') && (
          <div className="bubble-author small">
            {m.origin === 'automation' && (
              <span className="bot-badge" data-testid="bot-badge" title={t('conversation.automation')}>
                {t('conversation.botBadge')}
              </span>
            )}
            {authorLabel}
          </div>
        )}
        {hasQuote && (
          <div className="quote">
            <span className="small muted">{t('message.quoted')}</span>
            <span className="quote-text">{quoted ? quoteText(quoted) : t('message.quotedMissing')}</span>
          </div>
        )}
        <MessageContent
          type={m.type}
          content={m.content}
          mediaUrl={mediaUrl(m)}
          mediaState={m.direction === 'inbound' ? m.mediaStatus : null}
          templateComponents={templateComponents}
        />
        <div className="bubble-meta">
          <time dateTime={at}>{formatTime(at, i18n.language)}</time>
          {out && <Ticks status={m.status} />}
        </div>
        {m.status === 'failed' && (
          <div className="fail-reason small" role="note">
            {t('conversation.failedReason', {
              reason:
                [m.error?.code, m.error?.title, m.error?.details]
                  .filter((x) => x !== null && x !== undefined && x !== '')
                  .join(' · ') || t('conversation.failed'),
            })}
          </div>
        )}
        {reactions.length > 0 && (
          <div className="reactions" aria-label={t('conversation.react')}>
            {reactions.join(' ')}
          </div>
        )}
      </div>
      {m.wamid && m.type !== 'reaction' && (
        <button
          type="button"
          className="icon-button reply-action"
          aria-label={t('conversation.replyTo')}
          title={t('conversation.replyTo')}
          onClick={() => onReply(m)}
        >
          ↩
        </button>
      )}
    </div>
  );
});
