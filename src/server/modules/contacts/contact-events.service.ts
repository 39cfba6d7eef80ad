import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import { insertContactEvent, listContactEvents, type ContactEventRow } from './contact-events.repository.ts';
import { unarchiveContacts } from './contacts-archive.repository.ts';
import { findContact } from './contacts.repository.ts';

/** How many events `GET /contacts/:id/events` returns (the newest). */
const EVENTS_SHOWN = 200;

/** A contact event as the API presents it. */
export interface ContactEventDto {
  id: string;
  name: string;
  at: string;
  properties: Record<string, unknown>;
}

function present(e: ContactEventRow): ContactEventDto {
  return {
    id: e.id,
    name: e.name,
    at: e.occurred_at.toISOString(),
    properties: (e.properties ?? {}) as Record<string, unknown>,
  };
}

/** Records what a contact did elsewhere (an integration's `order_placed`…); 404 for another workspace's contact. */
export async function recordContactEvent(
  deps: { db: Db; clock: Clock },
  workspaceId: string,
  contactId: string,
  input: { name: string; at?: string; properties: Record<string, unknown> },
): Promise<ContactEventDto> {
  if (!(await findContact(deps.db, workspaceId, contactId))) throw notFound('Contact');
  const now = deps.clock.now();
  const row = await insertContactEvent(deps.db, {
    workspaceId,
    contactId,
    name: input.name,
    occurredAt: input.at ? new Date(input.at) : now,
    properties: input.properties,
    now,
  });
  // An event is activity: an archived contact comes back.
  await unarchiveContacts(deps.db, workspaceId, [contactId]);
  return present(row);
}

/** A contact's latest events, newest first; 404 for another workspace's contact. */
export async function contactEvents(
  deps: { db: Db },
  workspaceId: string,
  contactId: string,
): Promise<ContactEventDto[]> {
  if (!(await findContact(deps.db, workspaceId, contactId))) throw notFound('Contact');
  return (await listContactEvents(deps.db, workspaceId, contactId, EVENTS_SHOWN)).map(present);
}
