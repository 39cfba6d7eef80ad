import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { MessageContent, type TapReply } from '../../components/message/MessageContent.tsx';
import { formatTime } from '../../lib/format.ts';
import {
  SignInRequired,
  control,
  randomCustomerNumber,
  type SimEvent,
  type SimMessage,
  type SimNumber,
} from './control.ts';

const MAX_MEDIA = 700 * 1024;
const NAMES = ['山田 太郎', '佐々木 花', 'Alex Kim', '中村 さくら', 'Maria Lopez', '小林 健'];

function loadIdentity(): { name: string; waId: string } {
  try {
    const saved = JSON.parse(localStorage.getItem('tsunagi.sim.customer') ?? 'null') as {
      name?: string;
      waId?: string;
    } | null;
    if (saved?.name && saved.waId) return { name: saved.name, waId: saved.waId };
  } catch {
    // fall through
  }
  return { name: NAMES[Math.floor(Math.random() * NAMES.length)] as string, waId: randomCustomerNumber() };
}

function fileToBase64(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}

function mediaTypeOf(mime: string): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png)$/.test(mime)) return 'image';
  if (/^video\/(mp4|3gpp)$/.test(mime)) return 'video';
  if (/^audio\/(aac|amr|mpeg|mp4|ogg)/.test(mime)) return 'audio';
  return 'document';
}

/**
 * The customer-phone simulator page (`/simulator`): pick a business number, be a customer in a WhatsApp-like
 * chat — text, media, location, taps on buttons and list rows — and see the business's replies arrive live.
 * Business messages are marked read while the chat is on screen, as a real customer's phone would.
 */
export function PhoneApp() {
  const { t, i18n } = useTranslation();
  const [numbers, setNumbers] = useState<SimNumber[] | null>(null);
  const [numberId, setNumberId] = useState(() => localStorage.getItem('tsunagi.sim.number') ?? '');
  const [me, setMe] = useState(loadIdentity);
  const [messages, setMessages] = useState<SimMessage[]>([]);
  const [text, setText] = useState('');
  const [typingAt, setTypingAt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [quote, setQuote] = useState<SimMessage | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const localMedia = useRef(new Map<string, string>());

  useEffect(() => {
    control
      .numbers()
      .then(setNumbers, (e: Error) => setError(e instanceof SignInRequired ? t('phone.signIn') : e.message));
  }, []);
  const number = numbers?.find((n) => n.phoneNumberId === numberId) ?? numbers?.[0];
  const pnid = number?.phoneNumberId ?? '';
  useEffect(() => {
    localStorage.setItem('tsunagi.sim.customer', JSON.stringify(me));
    if (pnid) localStorage.setItem('tsunagi.sim.number', pnid);
  }, [me, pnid]);

  // History, then live changes.
  useEffect(() => {
    if (!pnid) return;
    let stop = false;
    setMessages([]);
    const es = control.stream(pnid, me.waId);
    const apply = (e: SimEvent) => {
      setMessages((list) => {
        if (e.kind === 'message')
          return list.some((m) => m.wamid === e.message.wamid) ? list : [...list, e.message];
        if (e.kind === 'status')
          return list.map((m) => (m.wamid === e.wamid ? { ...m, status: e.status } : m));
        if (e.kind === 'read') return list.map((m) => (m.wamid === e.wamid ? { ...m, readAt: e.at } : m));
        return list;
      });
      if (e.kind === 'typing') setTypingAt(Date.now());
      if (e.kind === 'message' && e.message.direction === 'outbound') setTypingAt(0);
    };
    for (const kind of ['message', 'status', 'read', 'typing'])
      es.addEventListener(kind, (ev) => apply(JSON.parse((ev as MessageEvent<string>).data) as SimEvent));
    control.conversation(pnid, me.waId).then(
      (history) =>
        !stop &&
        setMessages((live) => [...history, ...live.filter((m) => !history.some((h) => h.wamid === m.wamid))]),
      () => undefined,
    );
    return () => {
      stop = true;
      es.close();
    };
  }, [pnid, me.waId]);

  // Read the business's messages while they are on screen.
  useEffect(() => {
    if (document.visibilityState !== 'visible') return;
    for (const m of messages)
      if (m.direction === 'outbound' && (m.status === 'sent' || m.status === 'delivered'))
        void control.read(pnid, m.wamid);
  }, [messages, pnid]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, typingAt]);

  const send = useCallback(
    async (
      message: Record<string, unknown>,
      media?: { base64: string; mimeType: string; filename?: string },
    ) => {
      setError(null);
      try {
        const context = quote ? { context: { id: quote.wamid } } : {};
        const r = await control.inbound({
          phoneNumberId: pnid,
          from: me.waId,
          name: me.name,
          message: { ...message, ...context },
          ...(media ? { media } : {}),
        });
        setQuote(null);
        return r.wamid;
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        return null;
      }
    },
    [pnid, me, quote],
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    if (!(await send({ type: 'text', text: { body } }))) setText(body);
  };
  const tap = (r: TapReply, m: SimMessage) => {
    const ctx = { context: { id: m.wamid } };
    if (r.kind === 'button')
      void send({
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: r.id, title: r.title } },
        ...ctx,
      });
    else if (r.kind === 'list')
      void send({
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) },
        },
        ...ctx,
      });
    else void send({ type: 'button', button: { payload: r.payload, text: r.text }, ...ctx });
  };
  const attach = async (f: File) => {
    if (file.current) file.current.value = '';
    if (f.size > MAX_MEDIA) return setError(t('phone.tooLarge'));
    const type = mediaTypeOf(f.type);
    const mimeType = type === 'document' ? f.type || 'application/octet-stream' : f.type;
    const wamid = await send(
      { type, [type]: type === 'document' ? { filename: f.name } : {} },
      { base64: await fileToBase64(f), mimeType, filename: f.name },
    );
    if (wamid && type === 'image') localMedia.current.set(wamid, URL.createObjectURL(f));
  };
  const sendLocation = () =>
    void send({
      type: 'location',
      location: {
        latitude: 35.681236,
        longitude: 139.767125,
        name: t('phone.locationName'),
        address: '東京都千代田区丸の内1丁目',
      },
    });

  const typing = typingAt > 0 && Date.now() - typingAt < 25_000;
  return (
    <div className="phone-layout">
      <aside className="phone-side">
        <h1>📱 {t('phone.title')}</h1>
        <p className="muted">{t('phone.subtitle')}</p>
        <label className="field">
          <span>{t('phone.business')}</span>
          <select value={pnid} onChange={(e) => setNumberId(e.target.value)} aria-label={t('phone.business')}>
            {(numbers ?? []).map((n) => (
              <option key={n.phoneNumberId} value={n.phoneNumberId}>
                {n.displayPhoneNumber} ({n.phoneNumberId})
              </option>
            ))}
          </select>
        </label>
        {numbers && numbers.length === 0 && <p className="form-error">{t('phone.noNumbers')}</p>}
        <fieldset className="field">
          <legend>{t('phone.you')}</legend>
          <label className="field">
            <span>{t('phone.yourName')}</span>
            <input
              value={me.name}
              onChange={(e) => setMe({ ...me, name: e.target.value })}
              aria-label={t('phone.yourName')}
            />
          </label>
          <label className="field">
            <span>{t('phone.yourNumber')}</span>
            <input
              value={me.waId}
              inputMode="numeric"
              onChange={(e) => setMe({ ...me, waId: e.target.value.replace(/\D/g, '') })}
              aria-label={t('phone.yourNumber')}
            />
          </label>
          <button
            type="button"
            className="btn subtle small"
            onClick={() =>
              setMe({
                name: NAMES[Math.floor(Math.random() * NAMES.length)] as string,
                waId: randomCustomerNumber(),
              })
            }
          >
            ＋ {t('phone.newCustomer')}
          </button>
        </fieldset>
        <a className="btn small" href="/" target="_blank" rel="noopener">
          {t('phone.openConsole')} ↗
        </a>
        <LanguageSwitch />
      </aside>
      <main className="phone">
        <header className="phone-head">
          <span className="avatar phone-avatar" aria-hidden="true">
            🏪
          </span>
          <div>
            <div className="phone-title">{number?.displayPhoneNumber ?? '—'}</div>
            <div className="phone-sub" aria-live="polite">
              {typing ? t('phone.typing') : t('phone.online')}
            </div>
          </div>
        </header>
        <div className="phone-chat" ref={scroller} data-testid="phone-chat">
          {messages.length === 0 && <div className="phone-empty">{t('phone.empty')}</div>}
          {messages.map((m) => {
            const mine = m.direction === 'inbound';
            const ctxId =
              (m.message.context as { id?: string; message_id?: string } | undefined)?.id ??
              (m.message.context as { message_id?: string } | undefined)?.message_id;
            const quoted = ctxId ? messages.find((x) => x.wamid === ctxId) : undefined;
            return (
              <div
                key={m.wamid}
                className={`phone-msg ${mine ? 'mine' : 'theirs'}`}
                data-wamid={m.wamid}
                data-direction={m.direction}
              >
                <div className="phone-bubble">
                  {quoted && <div className="quote small">{quotedText(quoted)}</div>}
                  <MessageContent
                    type={m.type}
                    content={m.message}
                    mediaUrl={localMedia.current.get(m.wamid) ?? null}
                    {...(!mine ? { onTap: (r: TapReply) => tap(r, m) } : {})}
                  />
                  <div className="bubble-meta">
                    {formatTime(m.at, i18n.language)}
                    {mine && (
                      <span
                        className={`ticks ${m.readAt ? 'ticks-read' : ''}`}
                        title={m.readAt ? t('phone.readByBusiness') : ''}
                      >
                        ✓✓
                      </span>
                    )}
                    {!mine && m.status === 'failed' && <span className="ticks ticks-failed">!</span>}
                  </div>
                </div>
                {!mine && (
                  <button
                    type="button"
                    className="icon-button reply-action"
                    aria-label={t('phone.tapToReply')}
                    onClick={() => setQuote(m)}
                  >
                    ↩
                  </button>
                )}
              </div>
            );
          })}
          {typing && (
            <div className="phone-msg theirs">
              <div className="phone-bubble typing-dots" aria-label={t('phone.typing')}>
                <span />
                <span />
                <span />
              </div>
            </div>
          )}
        </div>
        {quote && (
          <div className="reply-banner phone-quote">
            <span className="quote-text">{quotedText(quote)}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={t('composer.cancelReply')}
              onClick={() => setQuote(null)}
            >
              ✕
            </button>
          </div>
        )}
        {error && (
          <div className="form-error small" role="alert">
            {error}
          </div>
        )}
        <form className="phone-compose" onSubmit={(e) => void submit(e)}>
          <button
            type="button"
            className="icon-button"
            aria-label={t('phone.attach')}
            title={t('phone.attach')}
            onClick={() => file.current?.click()}
            disabled={!pnid}
          >
            📎
          </button>
          <input
            ref={file}
            type="file"
            hidden
            accept="image/jpeg,image/png,video/mp4,audio/*,application/pdf,.txt,.doc,.docx,.xlsx"
            onChange={(e) => e.target.files?.[0] && void attach(e.target.files[0])}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={t('phone.location')}
            title={t('phone.location')}
            onClick={sendLocation}
            disabled={!pnid}
          >
            📍
          </button>
          <input
            className="phone-input"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('phone.message')}
            aria-label={t('phone.message')}
            disabled={!pnid}
          />
          <button
            type="submit"
            className="phone-send"
            aria-label={t('phone.send')}
            disabled={!pnid || !text.trim()}
          >
            ➤
          </button>
        </form>
      </main>
    </div>
  );
}

function quotedText(m: SimMessage): string {
  const body = m.message[m.type] as Record<string, unknown> | undefined;
  const nested = (body?.body as { text?: unknown } | undefined)?.text;
  for (const v of [body?.body, body?.caption, nested, body?.filename]) if (typeof v === 'string') return v;
  return `[${m.type}]`;
}
