import { useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.ts';
import { obj, str, type Obj } from '../../lib/json.ts';
import { userName, useTeams, useTemplates, useUsers } from '../../lib/queries.ts';
import { dayKey, dayLabelKind } from '../../lib/time.ts';
import type { Activity, Conversation, Message } from '../../lib/types.ts';
import { reasonText } from '../../lib/reason.ts';
import { activityTarget } from './activity.ts';
import { MessageBubble } from './MessageBubble.tsx';
import { useActivities, useMessages } from './queries.ts';
import { WaText } from '../../components/message/WaText.tsx';

type Item = { kind: 'message'; at: string; m: Message } | { kind: 'activity'; at: string; a: Activity };

/**
 * The conversation's history, oldest at the top: messages and internal notes/changes merged by time, a
 * separator per day, reactions shown on the message they react to, quoted replies resolved by wamid.
 */
export function Timeline({
  conversation,
  onReply,
}: {
  conversation: Conversation;
  onReply: (m: Message) => void;
}) {
  const { t, i18n } = useTranslation();
  const messages = useMessages(conversation.id);
  const activities = useActivities(conversation.id).data ?? [];
  const users = useUsers().data;
  const teams = useTeams().data;
  const templates = useTemplates(conversation.phoneNumberId).data;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastCount = useRef(0);

  const all = useMemo(() => (messages.data?.pages ?? []).flatMap((p) => p.data), [messages.data]);
  const { items, reactions, byWamid } = useMemo(() => {
    const byWamid = new Map<string, Message>();
    const reactions = new Map<string, string[]>();
    for (const m of all) if (m.wamid) byWamid.set(m.wamid, m);
    const list: Item[] = [];
    // Reactions: the latest one per (direction, target) wins; an empty emoji removes it.
    const seen = new Set<string>();
    for (const m of all) {
      if (m.type === 'reaction') {
        const r = obj(m.content.reaction);
        const target = str(r.message_id);
        if (target && byWamid.has(target)) {
          const k = `${m.direction}:${target}`;
          if (!seen.has(k)) {
            seen.add(k);
            const emoji = str(r.emoji);
            if (emoji) reactions.set(target, [...(reactions.get(target) ?? []), emoji]);
          }
          continue;
        }
      }
      list.push({ kind: 'message', at: m.timestamps.whatsapp ?? m.timestamps.created, m });
    }
    for (const a of activities) list.push({ kind: 'activity', at: a.createdAt, a });
    list.sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
    return { items: list, reactions, byWamid };
  }, [all, activities]);

  const templateComponents = useMemo(
    () =>
      (name: string, language: string): Obj[] | undefined =>
        templates?.find((tp) => tp.name === name && tp.language === language)?.components,
    [templates],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const grew = items.length > lastCount.current;
    if (grew && (atBottom.current || lastCount.current === 0)) el.scrollTop = el.scrollHeight;
    lastCount.current = items.length;
  }, [items.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (el.scrollTop < 60 && messages.hasNextPage && !messages.isFetchingNextPage) {
      const before = el.scrollHeight;
      void messages
        .fetchNextPage()
        .then(() => requestAnimationFrame(() => (el.scrollTop += el.scrollHeight - before)));
    }
  };

  const now = Date.now();
  const out: ReactNode[] = [];
  let prevDay = '';
  for (const it of items) {
    const day = dayKey(it.at);
    if (day !== prevDay) {
      const kind = dayLabelKind(it.at, now);
      out.push(
        <div key={`day-${day}`} className="day-separator" role="separator">
          <span>
            {kind === 'date'
              ? new Date(it.at).toLocaleDateString(i18n.language, {
                  year: 'numeric',
                  month: 'long',
                  day: 'numeric',
                  weekday: 'short',
                })
              : t(`time.${kind}`)}
          </span>
        </div>,
      );
      prevDay = day;
    }
    if (it.kind === 'message') {
      const m = it.m;
      const ctx = obj(m.content.context);
      const quotedId = str(ctx.id) ?? str(ctx.message_id);
      // Automatic replies carry the bot badge instead of a label.
      const author =
        m.direction === 'outbound' && m.origin !== 'agent' && m.origin !== 'automation'
          ? t(`conversation.${m.origin === 'campaign' ? 'campaign' : m.origin === 'api' ? 'api' : 'agent'}`)
          : null;
      out.push(
        <MessageBubble
          key={m.id}
          m={m}
          quoted={quotedId ? (byWamid.get(quotedId) ?? null) : undefined}
          reactions={m.wamid ? (reactions.get(m.wamid) ?? []) : []}
          authorLabel={author}
          onReply={onReply}
          templateComponents={templateComponents}
        />,
      );
    } else
      out.push(
        <ActivityLine
          key={`a-${it.a.id}`}
          a={it.a}
          who={
            userName(users, it.a.authorUserId) ??
            (it.a.authorUserId === null && (it.a.kind === 'automation' || it.a.data.automatic === true)
              ? t('conversation.automation')
              : t('conversation.someone'))
          }
          target={activityTarget(it.a, { users, teams }, t)}
          locale={i18n.language}
        />,
      );
  }

  return (
    <div
      className="timeline"
      ref={scroller}
      onScroll={onScroll}
      aria-live="polite"
      aria-relevant="additions"
      data-testid="timeline"
    >
      {messages.hasNextPage && (
        <button
          type="button"
          className="link-button load-older"
          onClick={() => void messages.fetchNextPage()}
        >
          {t('conversation.loadOlder')}
        </button>
      )}
      {messages.isLoading && <div className="list-status">{t('app.loading')}</div>}
      {!messages.isLoading && items.length === 0 && (
        <div className="list-status muted">{t('conversation.noMessages')}</div>
      )}
      {out}
    </div>
  );
}

function ActivityLine({
  a,
  who,
  target,
  locale,
}: {
  a: Activity;
  who: string;
  target: string;
  locale: string;
}) {
  const { t } = useTranslation();
  if (a.kind === 'note')
    return (
      <div className="note" data-activity-id={a.id}>
        <div className="note-head small">
          <span aria-hidden="true">🔒</span> {t('conversation.note')} · {who} ·{' '}
          {formatDateTime(a.createdAt, locale)}
        </div>
        <WaText text={a.body ?? ''} />
      </div>
    );
  let text: string;
  if (a.kind === 'assigned')
    text = target
      ? t('conversation.activityAssigned', { actor: who, target })
      : t('conversation.activityUnassigned', { actor: who });
  else if (a.kind === 'team')
    text = t('conversation.activityTeam', { actor: who, target: target || t('conversation.noTeam') });
  else if (a.kind === 'status') text = t('conversation.activityStatus', { actor: who, target });
  else if (a.kind === 'priority') text = t('conversation.activityPriority', { actor: who, target });
  else return <AutomationLine a={a} locale={locale} />;
  const why = a.authorUserId === null && a.data.automatic === true ? reasonText(a.data, a.body, t) : '';
  return (
    <div className="activity small muted" data-activity-id={a.id}>
      {text}
      {why && <>{t('conversation.because', { reason: why })}</>} · {formatDateTime(a.createdAt, locale)}
    </div>
  );
}

/** What automation decided for a customer message, as a system line: decision, reason, rule and keyword. */
function AutomationLine({ a, locale }: { a: Activity; locale: string }) {
  const { t } = useTranslation();
  const decision = str(a.data.decision);
  const keyword = str(a.data.keyword);
  const rule = str(a.data.ruleId);
  const paused = str(a.data.paused);
  const why = reasonText(a.data, a.body, t);
  return (
    <div className="activity automation-line small muted" data-activity-id={a.id} data-decision={decision}>
      <span aria-hidden="true">🤖</span>{' '}
      {t('conversation.activityAutomation', {
        target: decision ? t(`automation.decisions.${decision}`, { defaultValue: decision }) : '',
      })}
      {why && <> — {why}</>}
      {rule && (
        <>
          {' '}
          · {t('automation.tester.rule')}: {rule}
          {keyword && <> ({keyword})</>}
        </>
      )}
      {paused && <> · {t(`automation.paused.${paused}`, { defaultValue: paused })}</>}
      {' · '}
      {formatDateTime(a.createdAt, locale)}
    </div>
  );
}
