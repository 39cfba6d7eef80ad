import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Composer } from '../composer/Composer.tsx';
import { ContactPanel } from '../contact/ContactPanel.tsx';
import type { Message } from '../../lib/types.ts';
import { AutomationPausedBanner } from './AutomationPausedBanner.tsx';
import { ConversationHeader } from './ConversationHeader.tsx';
import { markRead, useConversation } from './queries.ts';
import { Timeline } from './Timeline.tsx';

/** An open conversation: header with its actions, the history, the composer, and the contact panel. */
export function ConversationView({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const conversation = useConversation(id);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [panel, setPanel] = useState(() => window.matchMedia?.('(min-width: 1200px)').matches ?? false);
  const c = conversation.data;
  const unread = c?.unreadCount ?? 0;

  // Opening (and new customer messages while open and visible) marks the conversation read.
  useEffect(() => {
    if (unread > 0 && document.visibilityState === 'visible') void markRead(qc, id);
  }, [id, unread, qc]);
  useEffect(() => {
    const onVisible = () => {
      const cur = qc.getQueryData<{ unreadCount: number }>(['conversation', id]);
      if (document.visibilityState === 'visible' && cur && cur.unreadCount > 0) void markRead(qc, id);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [id, qc]);

  if (conversation.isLoading) return <div className="list-status">{t('app.loading')}</div>;
  if (!c)
    return (
      <div className="list-status" role="alert">
        {t('app.error')}
      </div>
    );
  return (
    <div className={`conversation ${panel ? 'with-panel' : ''}`} data-conversation-id={c.id}>
      <div className="conversation-main">
        <ConversationHeader c={c} onBack={onBack} panelOpen={panel} onTogglePanel={() => setPanel(!panel)} />
        <AutomationPausedBanner c={c} />
        <Timeline conversation={c} onReply={setReplyTo} />
        <Composer conversation={c} replyTo={replyTo} onClearReply={() => setReplyTo(null)} />
      </div>
      {panel && <ContactPanel conversation={c} onClose={() => setPanel(false)} />}
    </div>
  );
}
