import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.tsx';
import type { Session } from '../../app/session.tsx';
import { api } from '../../lib/api.ts';
import { patchConversation, patchMessage, upsertMessage } from '../../lib/cache.ts';
import { notify } from '../../lib/notify.ts';
import { keys } from '../../lib/queries.ts';
import type { Conversation, ConversationEvent, Message, MessageEvent, Page } from '../../lib/types.ts';

const RANK: Record<string, number> = {
  queued: 0,
  sending: 1,
  accepted: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  failed: 6,
  received: 0,
};

function findConversation(qc: ReturnType<typeof useQueryClient>, id: string): Conversation | undefined {
  const detail = qc.getQueryData<Conversation>(keys.conversation(id));
  if (detail) return detail;
  for (const [, data] of qc.getQueriesData<InfiniteData<Page<Conversation>>>({
    queryKey: keys.conversations,
  })) {
    for (const p of data?.pages ?? []) {
      const c = p.data.find((x) => x.id === id);
      if (c) return c;
    }
  }
  return undefined;
}

/** Conversation `id` as each cached list holds it. */
function listCopies(qc: ReturnType<typeof useQueryClient>, id: string): Conversation[] {
  return qc
    .getQueriesData<InfiniteData<Page<Conversation>>>({ queryKey: keys.conversations })
    .flatMap(([, data]) => (data?.pages ?? []).flatMap((p) => p.data.filter((x) => x.id === id)));
}

const contactName = (c: Conversation | undefined) =>
  c?.contact?.name ?? c?.contact?.profileName ?? c?.contact?.phone ?? '';

/**
 * Subscribes to `GET /api/v1/events` and applies each event to the cache: new messages appear in the open
 * conversation and its list row moves up, statuses tick forward, assignment changes show for every agent.
 * Also raises notifications for my conversations. Returns whether the stream is connected.
 */
export function useRealtime(session: Session): boolean {
  const qc = useQueryClient();
  const { t } = useTranslation();
  const [connected, setConnected] = useState(true);
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    const refreshLists = () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void qc.invalidateQueries({ queryKey: keys.conversations });
        void qc.invalidateQueries({ queryKey: ['unread-mine'] });
      }, 400);
    };
    const loadMessage = (id: string, conversationId: string) => {
      if (!qc.getQueryData(keys.messages(conversationId))) return;
      api<Message>(`/messages/${id}`)
        .then((m) => upsertMessage(qc, m))
        .catch(() => undefined);
    };

    const es = new EventSource('/api/v1/events');
    let failed = false;
    es.onopen = () => {
      setConnected(true);
      if (failed) void qc.invalidateQueries();
      failed = false;
    };
    es.onerror = () => {
      failed = true;
      setConnected(false);
    };
    const parse = <T>(e: Event): T | null => {
      try {
        return JSON.parse((e as globalThis.MessageEvent<string>).data) as T;
      } catch {
        return null;
      }
    };

    es.addEventListener('message.created', (e) => {
      const m = parse<MessageEvent>(e);
      if (!m) return;
      loadMessage(m.id, m.conversationId);
      const conv = findConversation(qc, m.conversationId);
      if (m.direction === 'inbound') {
        if (conv && !conv.waitingSince)
          patchConversation(qc, conv.id, { waitingSince: new Date().toISOString() });
        const mine = conv?.assigneeId === session.userId;
        if (mine)
          notify(
            tRef.current('notify.newMessage', { name: contactName(conv) }),
            m.preview ?? '',
            () => navigate(`/inbox/${m.conversationId}`),
            m.conversationId,
          );
      } else if (conv?.waitingSince) patchConversation(qc, conv.id, { waitingSince: null });
    });

    es.addEventListener('message.updated', (e) => {
      const m = parse<MessageEvent>(e);
      if (!m) return;
      const cached = qc
        .getQueryData<InfiniteData<Page<Message>>>(keys.messages(m.conversationId))
        ?.pages.flatMap((p) => p.data)
        .find((x) => x.id === m.id);
      if (cached && (RANK[m.status] ?? 0) > (RANK[cached.status] ?? 0))
        patchMessage(qc, m.conversationId, m.id, { status: m.status as Message['status'] });
      loadMessage(m.id, m.conversationId);
    });

    es.addEventListener('conversation.updated', (e) => {
      const c = parse<ConversationEvent>(e);
      if (!c) return;
      const before = findConversation(qc, c.id);
      const patch: Partial<Conversation> = {
        status: c.status as Conversation['status'],
        assigneeId: c.assigneeId,
        unreadCount: c.unreadCount,
        lastMessageAt: c.lastMessageAt,
        lastMessagePreview: c.lastMessagePreview,
      };
      if (c.priority) patch.priority = c.priority as Conversation['priority'];
      if (c.teamId !== undefined) patch.teamId = c.teamId;
      if (c.snoozedUntil !== undefined) patch.snoozedUntil = c.snoozedUntil;
      if (c.waitingSince !== undefined) patch.waitingSince = c.waitingSince;
      if (c.automationPaused !== undefined) patch.automationPaused = c.automationPaused;
      const moved = !!before && before.lastMessageAt !== c.lastMessageAt;
      const heldByLists = listCopies(qc, c.id);
      const inList = patchConversation(qc, c.id, patch, moved);
      // Lists are filtered by status, assignee and team: compare with the rows the lists hold (the detail may
      // have been refetched already and agree with the event while a list still holds the old row).
      const membership = [before, ...heldByLists].some(
        (x) =>
          !x ||
          x.status !== c.status ||
          x.assigneeId !== c.assigneeId ||
          (c.teamId !== undefined && x.teamId !== c.teamId),
      );
      if (!inList || membership) refreshLists();
      else void qc.invalidateQueries({ queryKey: ['unread-mine'] });
      if (c.assigneeId === session.userId && before && before.assigneeId !== session.userId)
        notify(
          tRef.current('notify.assigned', { name: contactName(before) }),
          c.lastMessagePreview ?? '',
          () => navigate(`/inbox/${c.id}`),
          `assign-${c.id}`,
        );
    });

    es.addEventListener('activity.created', (e) => {
      const a = parse<{ conversationId?: string; kind?: string }>(e);
      if (!a?.conversationId) return;
      void qc.invalidateQueries({ queryKey: keys.activities(a.conversationId) });
      // conversation.updated does not carry automationPaused: an automation decision may have changed it.
      if (a.kind === 'automation')
        void qc.invalidateQueries({ queryKey: keys.conversation(a.conversationId) });
    });

    return () => {
      es.close();
      if (refreshTimer) clearTimeout(refreshTimer);
    };
  }, [qc, session.userId, session.workspace.id]);
  return connected;
}
