import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { DbOrTx } from '../db/types.ts';
import type { AnyDomainEvent } from '../domain-events/domain-events.schemas.ts';
import { domainEvents } from '../domain-events/listeners.catalog.ts';
import { enqueueJobs } from '../jobs/queue.ts';
import { unarchiveContacts } from '../modules/contacts/contacts-archive.repository.ts';
import { contactKey, findOrCreateContacts } from '../modules/contacts/contacts-resolve.repository.ts';
import { normalizeWaId } from '../modules/contacts/contacts.rules.ts';
import { conversationEvent } from '../modules/conversations/conversation-events.rules.ts';
import {
  applyInboundSummaries,
  conversationKey,
  findOrCreateConversations,
} from '../modules/conversations/conversations-resolve.repository.ts';
import { insertInboundMessages } from '../modules/messages/messages.repository.ts';
import { messagePreview, type InboundItem } from '../modules/messages/messages.rules.ts';

export type { InboundItem };

export const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Applies a batch of inbound messages in the caller's transaction by orchestrating the modules that own the
 * tables: contacts and conversations found or created (contacts, conversations), messages stored idempotently on
 * (phone number, wamid) (messages), summaries moved forward in WhatsApp timestamp order (conversations), media
 * fetches enqueued (jobs), and domain events published — `message.received` for each new message (automation
 * listens), `contact.created`, `conversation.created`, `conversation.status_changed` on a reopen. Each step is one
 * set-based statement over the whole batch. Returns the realtime events to publish.
 */
export async function applyInboundMessages(
  tx: DbOrTx,
  clock: Clock,
  items: InboundItem[],
): Promise<{ inserted: number; events: RealtimeEvent[] }> {
  if (items.length === 0) return { inserted: 0, events: [] };
  const now = clock.now();
  const sorted = [...items].sort((a, b) => a.timestamp - b.timestamp);
  const wanted = sorted.map((i) => {
    const waId = normalizeWaId(i.from);
    return { workspaceId: i.number.workspace_id, waId, e164: '+' + waId, profileName: i.profileName ?? null };
  });
  const contacts = await findOrCreateContacts(tx, now, wanted);
  // Each item's contact and conversation are looked up once (the closures below are called many times an item).
  const contactIds = new Map(
    sorted.map((i, n) => {
      const w = wanted[n] as (typeof wanted)[number];
      return [i, contacts.ids.get(contactKey(w.workspaceId, w.waId)) as string];
    }),
  );
  const contactOf = (i: InboundItem) => contactIds.get(i) as string;
  // A customer who writes again is active: an archived contact comes back (one statement per workspace).
  const byWorkspace = new Map<string, string[]>();
  for (const i of sorted) {
    const ids = byWorkspace.get(i.number.workspace_id);
    if (ids) ids.push(contactOf(i));
    else byWorkspace.set(i.number.workspace_id, [contactOf(i)]);
  }
  for (const [workspaceId, ids] of byWorkspace) await unarchiveContacts(tx, workspaceId, ids);
  const conversations = await findOrCreateConversations(
    tx,
    now,
    sorted.map((i) => ({
      workspaceId: i.number.workspace_id,
      contactId: contactOf(i),
      phoneNumberId: i.number.id,
    })),
  );
  const conversationIds = new Map(
    sorted.map((i) => [i, conversations.ids.get(conversationKey(contactOf(i), i.number.id)) as string]),
  );
  const conversationOf = (i: InboundItem) => conversationIds.get(i) as string;

  // Duplicates within the batch are dropped first; across batches the insert is idempotent.
  const seen = new Set<string>();
  const fresh: Array<{ id: string; item: InboundItem; mediaId: string | null }> = [];
  for (const i of sorted) {
    const key = `${i.number.id}|${i.wamid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = (i.content[i.type] as { id?: unknown } | undefined)?.id;
    fresh.push({
      id: newId(),
      item: i,
      mediaId: MEDIA_TYPES.has(i.type) && typeof id === 'string' ? id : null,
    });
  }
  const insertedIds = await insertInboundMessages(
    tx,
    now,
    fresh.map((m) => ({
      id: m.id,
      workspaceId: m.item.number.workspace_id,
      conversationId: conversationOf(m.item),
      phoneNumberId: m.item.number.id,
      contactId: contactOf(m.item),
      type: m.item.type,
      content: m.item.content,
      wamid: m.item.wamid,
      occurredAt: new Date(m.item.timestamp * 1000),
      mediaStatus: m.mediaId ? 'pending' : null,
    })),
  );
  const created = fresh.filter((m) => insertedIds.has(m.id));
  if (created.length === 0) return { inserted: 0, events: [] };

  const updated = await applyInboundSummaries(
    tx,
    now,
    created.map((m) => ({
      conversationId: conversationOf(m.item),
      at: m.item.timestamp,
      preview: messagePreview(m.item.content),
    })),
  );

  // Media bytes are fetched as their own retryable step.
  await enqueueJobs(
    tx,
    clock,
    'media.fetch',
    created
      .filter((m) => m.mediaId)
      .map((m) => ({
        payload: { messageId: m.id, mediaId: m.mediaId as string },
        workspaceId: m.item.number.workspace_id,
        dedupeKey: m.id,
      })),
  );

  await domainEvents.publish(
    tx,
    clock,
    inboundDomainEvents(sorted, created, contacts, conversations, updated, {
      contactOf,
      conversationOf,
    }),
  );

  const events: RealtimeEvent[] = created.map((m) => ({
    type: 'message.created',
    workspaceId: m.item.number.workspace_id,
    data: {
      id: m.id,
      conversationId: conversationOf(m.item),
      direction: 'inbound',
      type: m.item.type,
      status: 'received',
      wamid: m.item.wamid,
      preview: messagePreview(m.item.content),
    },
  }));
  for (const c of updated) events.push(conversationEvent(c));
  return { inserted: created.length, events };
}

/** The domain events of one applied batch, in the order things happened. */
function inboundDomainEvents(
  items: InboundItem[],
  created: Array<{ id: string; item: InboundItem }>,
  contacts: { created: Set<string> },
  conversations: { created: Set<string> },
  updated: Array<{ id: string; workspace_id: string; status: string; previous_status: string }>,
  of: { contactOf: (i: InboundItem) => string; conversationOf: (i: InboundItem) => string },
): AnyDomainEvent[] {
  const events: AnyDomainEvent[] = [];
  const announced = new Set<string>();
  for (const i of items) {
    const contactId = of.contactOf(i);
    const conversationId = of.conversationOf(i);
    const workspaceId = i.number.workspace_id;
    if (contacts.created.has(contactId) && !announced.has(contactId)) {
      announced.add(contactId);
      events.push({ type: 'contact.created', workspaceId, key: contactId, data: { contactId } });
    }
    if (conversations.created.has(conversationId) && !announced.has(conversationId)) {
      announced.add(conversationId);
      events.push({
        type: 'conversation.created',
        workspaceId,
        key: conversationId,
        data: { conversationId, contactId, phoneNumberId: i.number.id },
      });
    }
  }
  for (const c of updated.filter((u) => u.status !== u.previous_status))
    events.push({
      type: 'conversation.status_changed',
      workspaceId: c.workspace_id,
      key: `${c.id}:open:${created.find((m) => of.conversationOf(m.item) === c.id)?.id ?? ''}`,
      data: { conversationId: c.id, status: c.status, previousStatus: c.previous_status },
    });
  for (const m of created)
    events.push({
      type: 'message.received',
      workspaceId: m.item.number.workspace_id,
      key: m.id,
      data: {
        messageId: m.id,
        conversationId: of.conversationOf(m.item),
        contactId: of.contactOf(m.item),
        phoneNumberId: m.item.number.id,
        type: m.item.type,
      },
    });
  return events;
}
