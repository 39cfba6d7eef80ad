import type { ContactPrivacyExportDto } from '../../../contracts/contact-imports.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import { advanceTierEpoch } from '../analytics/analytics-tiers.repository.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import {
  deleteConversationsOfContact,
  listConversationsOfContact,
} from '../conversations/conversations.repository.ts';
import { deleteMessagesOfContact, listMessagesOfContact } from '../messages/messages.repository.ts';
import { toMessageDto } from '../messages/messages.service.ts';
import { listContactEvents } from './contact-events.repository.ts';
import { findTagsOfContacts } from './contact-tags.repository.ts';
import { toContactDto } from './contacts.service.ts';
import { deleteContactRow, findContact, findNotesOfContact } from './contacts.repository.ts';

/** What the privacy requests use. */
export interface ContactsPrivacyDeps {
  db: Db;
  clock: Clock;
}

/** Most events the export carries (the newest; events are integration data, possibly many). */
const EXPORT_EVENTS = 10_000;

/**
 * Everything held about one contact, for a data subject's access request: profile with attributes and tags,
 * notes, events, conversations and every message. Recorded in the audit log (`export.created`, ids only).
 */
export async function exportContactData(
  deps: ContactsPrivacyDeps,
  workspaceId: string,
  contactId: string,
  actor: AuditActor,
): Promise<ContactPrivacyExportDto> {
  const contact = await findContact(deps.db, workspaceId, contactId);
  if (!contact) throw notFound('Contact');
  const [tags, notes, events, conversations, messages] = await Promise.all([
    findTagsOfContacts(deps.db, workspaceId, [contactId]),
    findNotesOfContact(deps.db, workspaceId, contactId),
    listContactEvents(deps.db, workspaceId, contactId, EXPORT_EVENTS),
    listConversationsOfContact(deps.db, workspaceId, contactId),
    listMessagesOfContact(deps.db, workspaceId, contactId),
  ]);
  await record(deps.db, deps.clock, {
    workspaceId,
    actor,
    action: 'export.created',
    target: { type: 'contact', id: contactId },
    data: { kind: 'contact_privacy', messages: messages.length },
  });
  return {
    exportedAt: deps.clock.now().toISOString(),
    contact: toContactDto(contact, tags.get(contactId)),
    notes: notes.map((n) => ({
      id: n.id,
      authorUserId: n.author_user_id,
      body: n.body,
      createdAt: n.created_at.toISOString(),
    })),
    events: events.map((e) => ({
      id: e.id,
      name: e.name,
      occurredAt: e.occurred_at.toISOString(),
      properties: e.properties as Record<string, unknown>,
    })),
    conversations: conversations.map((c) => ({
      id: c.id,
      phoneNumberId: c.phone_number_id,
      status: c.status,
      createdAt: c.created_at.toISOString(),
      lastMessageAt: c.last_message_at?.toISOString() ?? null,
    })),
    messages: messages.map(toMessageDto),
  };
}

/**
 * Erases a contact on request: their messages (through the messages module), conversations (through the
 * conversations module), then the contact with its tags, notes and events — one transaction, with an audit
 * entry `contact.erased` that holds only the contact's id and counts (no name, phone or text). The activity tiers
 * analytics kept for past instants counted the contact: they no longer hold (the tier epoch moves on).
 */
export async function eraseContact(
  deps: ContactsPrivacyDeps,
  workspaceId: string,
  contactId: string,
  actor: AuditActor,
): Promise<{ erased: true; conversations: number; messages: number }> {
  return deps.db.transaction().execute(async (tx) => {
    const contact = await findContact(tx, workspaceId, contactId, { forUpdate: true });
    if (!contact) throw notFound('Contact');
    const messages = await deleteMessagesOfContact(tx, workspaceId, contactId);
    const conversations = await deleteConversationsOfContact(tx, workspaceId, contactId);
    await deleteContactRow(tx, workspaceId, contactId);
    await advanceTierEpoch(tx, workspaceId);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'contact.erased',
      target: { type: 'contact', id: contactId },
      data: { conversations, messages },
    });
    return { erased: true as const, conversations, messages };
  });
}
