import type { ContactDto } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import {
  countTags,
  deleteContactTag,
  findTagsOfContacts,
  insertContactTag,
} from './contact-tags.repository.ts';
import { findContact } from './contacts.repository.ts';
import { unarchiveContacts } from './contacts-archive.repository.ts';
import { toContactDto } from './contacts.service.ts';

/** What the tag and note functions use. */
export interface ContactTagsDeps {
  db: Db;
  clock: Clock;
}

/** Adds (`add: true`) or removes a tag on a contact and returns the contact with its tags. Idempotent. */
export async function setContactTag(
  deps: ContactTagsDeps,
  workspaceId: string,
  contactId: string,
  tag: string,
  add: boolean,
): Promise<ContactDto> {
  const contact = await findContact(deps.db, workspaceId, contactId);
  if (!contact) throw notFound('Contact');
  if (add) await insertContactTag(deps.db, { workspaceId, contactId, tag, at: deps.clock.now() });
  else await deleteContactTag(deps.db, workspaceId, contactId, tag);
  // A write through the API: an archived contact comes back.
  await unarchiveContacts(deps.db, workspaceId, [contactId]);
  const tags = await findTagsOfContacts(deps.db, workspaceId, [contactId]);
  return toContactDto({ ...contact, archived_at: null }, tags.get(contactId) ?? []);
}

export async function listTags(
  deps: ContactTagsDeps,
  workspaceId: string,
): Promise<{ data: Array<{ name: string; count: number }> }> {
  return { data: await countTags(deps.db, workspaceId) };
}

interface NoteDto {
  id: string;
  contactId: string;
  authorUserId: string | null;
  body: string;
  createdAt: string;
}

/** A contact's team notes, newest first (at most 200). */
export async function listContactNotes(
  deps: ContactTagsDeps,
  workspaceId: string,
  contactId: string,
): Promise<{ data: NoteDto[] }> {
  if (!(await findContact(deps.db, workspaceId, contactId))) throw notFound('Contact');
  const rows = await deps.db
    .selectFrom('contact_notes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return {
    data: rows.map((r) => ({
      id: r.id,
      contactId: r.contact_id,
      authorUserId: r.author_user_id,
      body: r.body,
      createdAt: r.created_at.toISOString(),
    })),
  };
}

export async function addContactNote(
  deps: ContactTagsDeps,
  workspaceId: string,
  contactId: string,
  authorUserId: string | null,
  body: string,
): Promise<NoteDto> {
  if (!(await findContact(deps.db, workspaceId, contactId))) throw notFound('Contact');
  const r = await deps.db
    .insertInto('contact_notes')
    .values({
      id: newId(),
      workspace_id: workspaceId,
      contact_id: contactId,
      author_user_id: authorUserId,
      body,
      created_at: deps.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    id: r.id,
    contactId: r.contact_id,
    authorUserId: r.author_user_id,
    body: r.body,
    createdAt: r.created_at.toISOString(),
  };
}
