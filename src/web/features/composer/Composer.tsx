import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { useQuickReplies } from '../../lib/queries.ts';
import { windowState } from '../../lib/time.ts';
import type { Conversation, MediaUpload, Message } from '../../lib/types.ts';
import { useNow } from '../../lib/useNow.ts';
import { quoteText } from '../conversation/MessageBubble.tsx';
import { useAddNote, useSendMessage } from '../conversation/queries.ts';
import { EmojiPicker } from './EmojiPicker.tsx';
import { InteractiveBuilder } from './InteractiveBuilder.tsx';
import { TemplatePicker } from './TemplatePicker.tsx';
import { CAPTION_LIMIT, COUNTER_FROM, TEXT_LIMIT, useDraft, waLength } from './draft.ts';

const TYPING_EVERY_MS = 20_000;

function mediaKind(mime: string): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png)$/.test(mime)) return 'image';
  if (/^video\/(mp4|3gpp)$/.test(mime)) return 'video';
  if (/^audio\//.test(mime)) return 'audio';
  return 'document';
}

/**
 * The reply box: text with emoji and `/shortcut` quick replies, attachments, reply-to, templates (the only
 * option once the 24 h window has closed), interactive buttons/lists, and internal notes. Sends WhatsApp's
 * typing indicator while the agent types.
 */
export function Composer({
  conversation: c,
  replyTo,
  onClearReply,
}: {
  conversation: Conversation;
  replyTo: Message | null;
  onClearReply: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const now = useNow(15_000);
  const win = windowState(c.windowOpen, c.windowExpiresAt, now);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const session = useSession();
  // The reply is a draft kept per conversation (survives a reload); notes are short-lived.
  const [draft, setDraft, clearDraft] = useDraft(session.workspace.id, c.id);
  const [note, setNote] = useState('');
  const text = mode === 'reply' ? draft : note;
  const setText = mode === 'reply' ? setDraft : setNote;
  const length = waLength(text);
  const tooLong = length > TEXT_LIMIT;
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'template' | 'interactive' | null>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [qrIndex, setQrIndex] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);
  const send = useSendMessage(c.id);
  const addNote = useAddNote(c.id);
  const quickReplies = useQuickReplies().data ?? [];

  useEffect(() => {
    if (replyTo) box.current?.focus();
  }, [replyTo]);

  const slash = mode === 'reply' && /^\/\S*$/.test(text) ? text.slice(1).toLowerCase() : null;
  const matches =
    slash === null
      ? []
      : quickReplies
          .filter((q) => q.shortcut.toLowerCase().startsWith(slash) || q.title.toLowerCase().includes(slash))
          .slice(0, 8);

  const context = () => (replyTo?.wamid ? { context: { message_id: replyTo.wamid } } : {});

  const sendBody = async (body: Record<string, unknown>) => {
    setError(null);
    try {
      await send.mutateAsync({ ...body, ...context() });
      onClearReply();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'window_closed') {
        setError(t('composer.errors.window_closed'));
        void qc.invalidateQueries({ queryKey: ['conversation', c.id] });
      } else setError(t('composer.errors.generic', { message: errorText(e, t) }));
      return false;
    }
  };

  const submit = async () => {
    const body = text.trim();
    if (!body) return;
    if (waLength(body) > TEXT_LIMIT) {
      setError(t('composer.errors.tooLong', { count: waLength(body), max: TEXT_LIMIT }));
      return;
    }
    if (mode === 'note') {
      try {
        await addNote.mutateAsync(body);
        setNote('');
      } catch (e) {
        setError(errorText(e, t));
      }
      return;
    }
    if (!win.open) return;
    clearDraft();
    if (!(await sendBody({ type: 'text', text: { body, preview_url: /https?:\/\//.test(body) } })))
      setDraft(body);
  };

  const typing = () => {
    if (mode !== 'reply' || !win.open) return;
    const at = Date.now();
    if (at - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = at;
    void api(`/conversations/${c.id}/typing`, { method: 'POST' }).catch(() => undefined);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (matches.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setQrIndex((i) => (i + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        setText((matches[qrIndex] ?? matches[0])?.body ?? '');
        setQrIndex(0);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape') {
      if (replyTo) onClearReply();
      else box.current?.blur();
    }
  };

  const upload = async (f: File) => {
    setError(null);
    setUploading(f.name);
    try {
      const form = new FormData();
      form.set('phoneNumberId', c.phoneNumberId);
      form.set('file', f, f.name);
      const media = await api<MediaUpload>('/media', { form });
      const kind = mediaKind(media.mimeType || f.type);
      const caption = text.trim();
      if (waLength(caption) > CAPTION_LIMIT) {
        setError(t('composer.errors.captionTooLong', { count: waLength(caption), max: CAPTION_LIMIT }));
        return;
      }
      const obj: Record<string, unknown> = { id: media.id };
      if (caption && kind !== 'audio') obj.caption = caption;
      if (kind === 'document') obj.filename = media.filename || f.name;
      if (await sendBody({ type: kind, [kind]: obj })) clearDraft();
    } catch (e) {
      setError(t('composer.errors.generic', { message: errorText(e, t) }));
    } finally {
      setUploading(null);
      if (file.current) file.current.value = '';
    }
  };

  const closed = mode === 'reply' && !win.open;
  return (
    <div className={`composer ${mode === 'note' ? 'note-mode' : ''}`}>
      <div className="composer-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'reply'}
          className={mode === 'reply' ? 'active' : ''}
          onClick={() => setMode('reply')}
        >
          {t('composer.reply')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'note'}
          className={mode === 'note' ? 'active' : ''}
          onClick={() => setMode('note')}
        >
          🔒 {t('composer.note')}
        </button>
      </div>
      {replyTo && mode === 'reply' && (
        <div className="reply-banner">
          <span className="small muted">{t('composer.replyingTo')}</span>{' '}
          <span className="quote-text">{quoteText(replyTo)}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('composer.cancelReply')}
            onClick={onClearReply}
          >
            ✕
          </button>
        </div>
      )}
      {closed && (
        <div className="window-closed" role="note">
          <span>{t('composer.windowClosed')}</span>
          <button type="button" className="btn primary small" onClick={() => setDialog('template')}>
            {t('composer.chooseTemplate')}
          </button>
        </div>
      )}
      {matches.length > 0 && (
        <ul className="quick-menu" role="listbox" aria-label={t('composer.quickReplies')}>
          {matches.map((q, i) => (
            <li
              key={q.id}
              role="option"
              aria-selected={i === qrIndex}
              className={i === qrIndex ? 'active' : ''}
              onMouseDown={(e) => (e.preventDefault(), setText(q.body))}
            >
              <strong>/{q.shortcut}</strong> <span className="muted">{q.title}</span>
              <span className="block small muted ellipsis">{q.body}</span>
            </li>
          ))}
        </ul>
      )}
      {!closed && (
        <textarea
          id="composer-input"
          ref={box}
          className="composer-input"
          rows={2}
          value={text}
          placeholder={mode === 'note' ? t('composer.notePlaceholder') : t('composer.placeholder')}
          aria-label={mode === 'note' ? t('composer.notePlaceholder') : t('composer.placeholder')}
          onChange={(e) => {
            setText(e.target.value);
            setQrIndex(0);
            typing();
          }}
          onKeyDown={onKeyDown}
          aria-invalid={tooLong}
          aria-describedby={length >= TEXT_LIMIT * COUNTER_FROM ? 'composer-count' : undefined}
        />
      )}
      {!closed && length >= TEXT_LIMIT * COUNTER_FROM && (
        <div
          id="composer-count"
          className={`small ${tooLong ? 'form-error' : 'muted'}`}
          role={tooLong ? 'alert' : undefined}
        >
          {tooLong
            ? t('composer.errors.tooLong', { count: length, max: TEXT_LIMIT })
            : t('composer.count', { count: length, max: TEXT_LIMIT })}
        </div>
      )}
      <div className="composer-toolbar">
        {mode === 'reply' && (
          <>
            <EmojiPicker disabled={closed} onPick={(emoji) => setText((s) => s + emoji)} />
            <button
              type="button"
              className="icon-button"
              disabled={closed || !!uploading}
              aria-label={t('composer.attach')}
              title={t('composer.attach')}
              onClick={() => file.current?.click()}
            >
              📎
            </button>
            <input
              ref={file}
              type="file"
              hidden
              onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
            />
            <button type="button" className="btn subtle small" onClick={() => setDialog('template')}>
              {t('composer.template')}
            </button>
            <button
              type="button"
              className="btn subtle small"
              disabled={closed}
              onClick={() => setDialog('interactive')}
            >
              {t('composer.interactive')}
            </button>
          </>
        )}
        <span className="spacer" />
        {uploading && <span className="small muted">{t('composer.uploading', { name: uploading })}</span>}
        {!closed && (
          <button
            type="button"
            className="btn primary"
            disabled={!text.trim() || tooLong || send.isPending || addNote.isPending}
            onClick={() => void submit()}
          >
            {mode === 'note'
              ? t('composer.addNote')
              : send.isPending
                ? t('composer.sending')
                : t('composer.send')}
          </button>
        )}
      </div>
      {error && (
        <div className="form-error small" role="alert">
          {error}
        </div>
      )}
      {dialog === 'template' && (
        <TemplatePicker
          phoneNumberId={c.phoneNumberId}
          onClose={() => setDialog(null)}
          onSend={async (template) => {
            if (await sendBody({ type: 'template', template })) setDialog(null);
          }}
        />
      )}
      {dialog === 'interactive' && (
        <InteractiveBuilder
          onClose={() => setDialog(null)}
          onSend={async (interactive) => {
            if (await sendBody({ type: 'interactive', interactive })) setDialog(null);
          }}
        />
      )}
    </div>
  );
}
