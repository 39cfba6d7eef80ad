import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { Avatar } from '../../components/Avatar.tsx';
import { contactDisplayName, formatDateTime, formatRemaining } from '../../lib/format.ts';
import { usePhoneNumbers, useTeams, useUsers } from '../../lib/queries.ts';
import { windowState } from '../../lib/time.ts';
import type { Conversation, Priority } from '../../lib/types.ts';
import { useNow } from '../../lib/useNow.ts';
import { useUpdateConversation } from './queries.ts';

function snoozeTime(choice: string): string | null {
  const d = new Date();
  if (choice === '1h') return new Date(Date.now() + 3600_000).toISOString();
  if (choice === 'tomorrow') {
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
    return d.toISOString();
  }
  if (choice === 'week') {
    d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7));
    d.setHours(9, 0, 0, 0);
    return d.toISOString();
  }
  return null;
}

/** Contact, number, the 24 h window, and the work controls: assignee, team, status, snooze, priority. */
export function ConversationHeader({
  c,
  onBack,
  panelOpen,
  onTogglePanel,
}: {
  c: Conversation;
  onBack: () => void;
  panelOpen: boolean;
  onTogglePanel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const users = (useUsers().data ?? []).filter((u) => !u.deactivatedAt && u.role !== 'analyst');
  const teams = useTeams().data ?? [];
  const numbers = usePhoneNumbers().data;
  const update = useUpdateConversation(c.id);
  const now = useNow(30_000);
  const [custom, setCustom] = useState(false);
  const name = contactDisplayName(c.contact);
  const number = c.phoneNumber ?? numbers?.find((n) => n.id === c.phoneNumberId);
  const win = windowState(c.windowOpen, c.windowExpiresAt, now);
  const patch = (body: Record<string, unknown>) => update.mutate(body);
  const assigneeKnown =
    !c.assigneeId || users.some((u) => u.id === c.assigneeId) || c.assigneeId === session.userId;

  return (
    <header className="conv-header">
      <div className="conv-header-top">
        <button
          type="button"
          className="icon-button back-button"
          onClick={onBack}
          aria-label={t('conversation.back')}
        >
          ←
        </button>
        <Avatar id={c.contactId} name={name} />
        <div className="conv-header-title">
          <h2 className="conv-title">{name}</h2>
          <div className="small muted">
            {c.contact?.phone ?? ''}
            {number && <span className="chip number-chip">{number.label || number.displayPhoneNumber}</span>}
            <span
              className={`window-badge ${win.open ? (win.closingSoon ? 'soon' : 'open') : 'closed'}`}
              data-testid="window-badge"
            >
              {win.open
                ? t('conversation.windowOpen', { time: formatRemaining(t, win.remainingMs) })
                : t('conversation.windowClosed')}
            </span>
          </div>
        </div>
        <button
          type="button"
          className={`btn subtle small ${panelOpen ? 'active' : ''}`}
          aria-pressed={panelOpen}
          onClick={onTogglePanel}
        >
          {t('conversation.contactPanel')}
        </button>
      </div>
      <div className="conv-actions" role="toolbar" aria-label={t('conversation.assign')}>
        <label className="inline-field">
          <span className="small muted">{t('conversation.assignTo')}</span>
          <select
            aria-label={t('conversation.assignTo')}
            value={c.assigneeId ?? ''}
            onChange={(e) => patch({ assigneeId: e.target.value || null })}
          >
            <option value="">{t('inbox.nobody')}</option>
            {!assigneeKnown && <option value={c.assigneeId ?? ''}>…</option>}
            {users.length === 0 && (
              <option value={session.userId}>{session.user.name || session.user.email}</option>
            )}
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name || u.email}
              </option>
            ))}
          </select>
        </label>
        {c.assigneeId !== session.userId && (
          <button
            type="button"
            className="btn subtle small"
            onClick={() => patch({ assigneeId: session.userId })}
          >
            {t('conversation.assignToMe')}
          </button>
        )}
        {teams.length > 0 && (
          <select
            aria-label={t('conversation.team')}
            value={c.teamId ?? ''}
            onChange={(e) => patch({ teamId: e.target.value || null })}
          >
            <option value="">{t('conversation.noTeam')}</option>
            {teams.map((tm) => (
              <option key={tm.id} value={tm.id}>
                {tm.name}
              </option>
            ))}
          </select>
        )}
        <select
          aria-label={t('priority.label')}
          value={c.priority}
          onChange={(e) => patch({ priority: e.target.value as Priority })}
        >
          {(['low', 'normal', 'high', 'urgent'] as const).map((p) => (
            <option key={p} value={p}>
              {t('priority.label')}: {t(`priority.${p}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('conversation.snooze')}
          value=""
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'custom') return setCustom(true);
            const until = snoozeTime(v);
            if (until) patch({ status: 'snoozed', snoozedUntil: until });
          }}
        >
          <option value="">
            {c.status === 'snoozed' && c.snoozedUntil
              ? t('conversation.snoozeUntil', { time: formatDateTime(c.snoozedUntil, i18n.language) })
              : `⏰ ${t('conversation.snooze')}`}
          </option>
          <option value="1h">{t('conversation.snooze1h')}</option>
          <option value="tomorrow">{t('conversation.snoozeTomorrow')}</option>
          <option value="week">{t('conversation.snoozeNextWeek')}</option>
          <option value="custom">{t('conversation.snoozeCustom')}</option>
        </select>
        {custom && (
          <input
            type="datetime-local"
            aria-label={t('conversation.snoozeCustom')}
            onChange={(e) => {
              if (!e.target.value) return;
              setCustom(false);
              patch({ status: 'snoozed', snoozedUntil: new Date(e.target.value).toISOString() });
            }}
          />
        )}
        <span className={`status-pill status-${c.status}`} data-testid="conversation-status">
          {t(`status.${c.status}`)}
        </span>
        {c.status !== 'pending' && c.status !== 'resolved' && (
          <button type="button" className="btn subtle small" onClick={() => patch({ status: 'pending' })}>
            {t('conversation.markPending')}
          </button>
        )}
        {c.status === 'resolved' ? (
          <button type="button" className="btn small" onClick={() => patch({ status: 'open' })}>
            {t('conversation.reopen')}
          </button>
        ) : (
          <button type="button" className="btn primary small" onClick={() => patch({ status: 'resolved' })}>
            ✓ {t('conversation.resolve')}
          </button>
        )}
      </div>
      {update.isError && (
        <div className="form-error small" role="alert">
          {update.error.message}
        </div>
      )}
    </header>
  );
}
