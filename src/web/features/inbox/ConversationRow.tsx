import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar.tsx';
import { contactDisplayName, formatCompact, formatListTime } from '../../lib/format.ts';
import { userName } from '../../lib/queries.ts';
import type { Conversation, PhoneNumber, User } from '../../lib/types.ts';

/** One list row: contact, preview, time, unread count, number badge, waiting time, assignee. */
export const ConversationRow = memo(function ConversationRow({
  conversation: c,
  selected,
  onOpen,
  now,
  numbers,
  users,
}: {
  conversation: Conversation;
  selected: boolean;
  onOpen: (id: string) => void;
  now: number;
  numbers: PhoneNumber[] | undefined;
  users: User[] | undefined;
}) {
  const { t, i18n } = useTranslation();
  const name = contactDisplayName(c.contact);
  const number = c.phoneNumber ?? numbers?.find((n) => n.id === c.phoneNumberId);
  const badge = number ? number.label || number.displayPhoneNumber : null;
  const waiting = c.waitingSince && c.status !== 'resolved' ? now - Date.parse(c.waitingSince) : null;
  const assignee = userName(users, c.assigneeId);
  return (
    <a
      href={`/inbox/${c.id}`}
      className={`conv-row ${selected ? 'selected' : ''} ${c.unreadCount > 0 ? 'unread' : ''}`}
      aria-current={selected ? 'true' : undefined}
      data-conversation-id={c.id}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        onOpen(c.id);
      }}
    >
      <Avatar id={c.contactId} name={name} />
      <span className="conv-main">
        <span className="conv-top">
          <span className="conv-name">{name}</span>
          {c.lastMessageAt && (
            <time className="conv-time" dateTime={c.lastMessageAt}>
              {formatListTime(c.lastMessageAt, now, i18n.language)}
            </time>
          )}
        </span>
        <span className="conv-preview">{c.lastMessagePreview ?? ''}</span>
        <span className="conv-meta">
          {badge && <span className="chip number-chip">{badge}</span>}
          {(c.priority === 'high' || c.priority === 'urgent') && (
            <span className={`chip priority-${c.priority}`}>{t(`priority.${c.priority}`)}</span>
          )}
          {waiting !== null && waiting >= 0 && (
            <span className={`chip waiting ${waiting > 3600_000 ? 'long' : ''}`}>
              {t('inbox.waiting', { time: formatCompact(t, waiting) })}
            </span>
          )}
          {assignee && <span className="conv-assignee small muted">→ {assignee}</span>}
          {c.unreadCount > 0 && (
            <span className="badge unread-badge" aria-label={t('inbox.unread', { count: c.unreadCount })}>
              {c.unreadCount}
            </span>
          )}
        </span>
      </span>
    </a>
  );
});
