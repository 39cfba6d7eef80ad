import { z } from 'zod';
import type {
  ContactDto,
  ContactInputSchema,
  ContactListQuerySchema,
  ContactUpdateSchema,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ContactRow, Db, DbOrTx } from '../../db/types.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { IdKeySchema, decodeCursor, toPage } from '../conversations/paging.rules.ts';
import { assertAttributesValid } from './contact-attributes.service.ts';
import { findTagsOfContacts } from './contact-tags.repository.ts';
import { contactSearchPatterns, mergeAttributes, optedOutAt } from './contacts-search.rules.ts';
import { normalizeWaId, parsePhone } from './contacts.rules.ts';
import {
  deleteContactRow,
  findContact,
  findContactByWaId,
  insertContactIfNew,
  searchContacts,
  updateContactRow,
} from './contacts.repository.ts';

/** What the contacts API's service functions use. */
export interface ContactsDeps {
  db: Db;
  clock: Clock;
}

const UserPreferencesSchema = z
  .object({
    user_preferences: z.array(
      z
        .object({
          wa_id: z.string(),
          category: z.string().optional(),
          value: z.string(),
          timestamp: z.union([z.string(), z.number()]).optional(),
        })
        .loose(),
    ),
  })
  .loose();

/**
 * Applies a `user_preferences` webhook: a customer who stopped marketing messages is opted out (consent
 * state and time recorded); `resume` opts them back in. Unknown contacts are left alone (nothing to update).
 */
export async function applyUserPreferences(
  db: DbOrTx,
  clock: Clock,
  workspaceId: string,
  value: unknown,
): Promise<number> {
  const parsed = UserPreferencesSchema.safeParse(value);
  if (!parsed.success) return 0;
  let changed = 0;
  for (const pref of parsed.data.user_preferences) {
    if (pref.category && !pref.category.startsWith('marketing')) continue;
    const stop = pref.value.toLowerCase() === 'stop';
    const res = await db
      .updateTable('contacts')
      .set({
        consent_state: stop ? 'opted_out' : 'opted_in',
        marketing_opted_out_at: stop ? clock.now() : null,
        updated_at: clock.now(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('wa_id', '=', normalizeWaId(pref.wa_id))
      .executeTakeFirst();
    changed += Number(res.numUpdatedRows);
  }
  return changed;
}

/** The API representation of a contact row. */
export function toContactDto(row: ContactRow, tags: string[] = []): ContactDto {
  return {
    id: row.id,
    waId: row.wa_id,
    phone: row.phone_e164,
    name: row.name,
    profileName: row.profile_name,
    country: row.country,
    timezone: row.timezone,
    attributes: row.attributes,
    consentState: row.consent_state,
    tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A page of a workspace's contacts, newest first, optionally searched (see `contactSearchPatterns`). */
export async function listContacts(
  deps: ContactsDeps,
  workspaceId: string,
  query: z.infer<typeof ContactListQuerySchema>,
): Promise<{ data: ContactDto[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, IdKeySchema) : null;
  const rows = await searchContacts(deps.db, {
    workspaceId,
    search: contactSearchPatterns(query.q),
    limit: query.limit + 1,
    ...(after ? { afterId: after.id } : {}),
  });
  const tags = await findTagsOfContacts(
    deps.db,
    workspaceId,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    query.limit,
    (r) => toContactDto(r, tags.get(r.id)),
    (r) => [r.id],
  );
}

export async function getContact(deps: ContactsDeps, workspaceId: string, id: string): Promise<ContactDto> {
  const row = await findContact(deps.db, workspaceId, id);
  if (!row) throw notFound('Contact');
  return toContactDto(row, (await findTagsOfContacts(deps.db, workspaceId, [id])).get(id));
}

/**
 * Creates a contact from a phone number typed in any common format (parsed to E.164 and a wa_id). A contact
 * with the same wa_id already in the workspace is a `conflict` whose details carry its id.
 */
export async function createContact(
  deps: ContactsDeps,
  workspaceId: string,
  input: z.infer<typeof ContactInputSchema>,
): Promise<ContactDto> {
  const phone = parsePhone(input.phone);
  if (!phone) {
    throw new AppError(
      'validation_failed',
      `"${input.phone}" is not a valid phone number; include the country code, e.g. +819012345678`,
      {
        issues: [{ path: '/phone', message: 'not a valid phone number' }],
      },
    );
  }
  await assertAttributesValid(deps.db, workspaceId, input.attributes);
  const now = deps.clock.now();
  const consent = input.consentState ?? 'unknown';
  const row = await insertContactIfNew(deps.db, {
    id: newId(),
    workspace_id: workspaceId,
    wa_id: phone.waId,
    phone_e164: phone.e164,
    country: phone.country,
    name: input.name ?? null,
    attributes: JSON.stringify(input.attributes ?? {}),
    consent_state: consent,
    marketing_opted_out_at: consent === 'opted_out' ? now : null,
    created_at: now,
    updated_at: now,
  });
  if (row) return toContactDto(row);
  const existing = await findContactByWaId(deps.db, workspaceId, phone.waId);
  throw new AppError('conflict', `A contact with phone ${phone.e164} already exists`, {
    existingId: existing?.id ?? null,
    waId: phone.waId,
  });
}

/**
 * Updates a contact's name, custom attributes (merged: null removes a key) and consent state, in one
 * transaction so concurrent attribute patches do not lose each other's keys.
 */
export async function updateContact(
  deps: ContactsDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof ContactUpdateSchema>,
): Promise<ContactDto> {
  await assertAttributesValid(deps.db, workspaceId, input.attributes);
  const row = await deps.db.transaction().execute(async (tx) => {
    const current = await findContact(tx, workspaceId, id, { forUpdate: true });
    if (!current) throw notFound('Contact');
    const now = deps.clock.now();
    return updateContactRow(tx, workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.attributes !== undefined
        ? { attributes: JSON.stringify(mergeAttributes(current.attributes, input.attributes)) }
        : {}),
      ...(input.consentState !== undefined
        ? {
            consent_state: input.consentState,
            marketing_opted_out_at: optedOutAt(
              { state: current.consent_state, at: current.marketing_opted_out_at },
              input.consentState,
              now,
            ),
          }
        : {}),
      updated_at: now,
    });
  });
  if (!row) throw notFound('Contact');
  return toContactDto(row, (await findTagsOfContacts(deps.db, workspaceId, [id])).get(id));
}

/** Deletes a contact with its conversations and messages (erasure on request). */
export async function deleteContact(deps: ContactsDeps, workspaceId: string, id: string): Promise<void> {
  if ((await deleteContactRow(deps.db, workspaceId, id)) === 0) throw notFound('Contact');
}
