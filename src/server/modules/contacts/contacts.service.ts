import type { z } from 'zod';
import type {
  ContactDuplicatesDto,
  ContactDto,
  ContactInputSchema,
  ContactListQuerySchema,
  ContactUpdateSchema,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ContactRow, Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { IdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';
import { assertAttributesValid } from './contact-attributes.service.ts';
import { findTagsOfContacts } from './contact-tags.repository.ts';
import { mergeAttributes } from './contacts-search.rules.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { consentOrigin, recordConsentChange, type ConsentChange } from '../consent/consent.service.ts';
import { anyOfQuery, keyHasPart, nameReadingKey, parseSearchQuery } from '../search/search-key.rules.ts';
import { analyzerFor, contactSearchKeys } from '../search/search-keys.service.ts';
import { parsePhone, timeZoneOfCountry, waIdVariants } from './contacts.rules.ts';
import {
  deleteContactRow,
  findContact,
  findContactByWaIds,
  findContactsByWaIds,
  insertContactIfNew,
  searchContacts,
  updateContactRow,
} from './contacts.repository.ts';

/** What the contacts API's service functions use. */
export interface ContactsDeps {
  db: Db;
  clock: Clock;
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
    activityTier: row.activity_tier,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.merged_into_id ? { mergedIntoId: row.merged_into_id } : {}),
    ...(row.archived_at ? { archivedAt: row.archived_at.toISOString() } : {}),
  };
}

/** A page of a workspace's contacts, newest first, optionally searched (see `parseSearchQuery`). */
export async function listContacts(
  deps: ContactsDeps,
  workspaceId: string,
  query: z.infer<typeof ContactListQuerySchema>,
): Promise<{ data: ContactDto[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, IdKeySchema) : null;
  const rows = await searchContacts(deps.db, {
    workspaceId,
    search: parseSearchQuery(query.q),
    limit: query.limit + 1,
    archived: query.archived === true,
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
 * Creates a contact from a phone number typed in any common format (parsed to E.164 and a wa_id), with its
 * country, time zone and search key. A contact with the same wa_id, or another WhatsApp form of the same number
 * (`waIdVariants`), already in the workspace is a `conflict` whose details carry its id.
 */
export async function createContact(
  deps: ContactsDeps,
  workspaceId: string,
  input: z.infer<typeof ContactInputSchema>,
  principal?: Principal,
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
  const variants = waIdVariants(phone.waId);
  const sameNumber = await findContactByWaIds(deps.db, workspaceId, variants);
  if (sameNumber) throw contactExists(phone.e164, sameNumber.id, sameNumber.wa_id);
  await assertAttributesValid(deps.db, workspaceId, input.attributes);
  const now = deps.clock.now();
  const consent = input.consentState ?? 'unknown';
  const [searchKey] = await contactSearchKeys([
    { name: input.name ?? null, profileName: null, waId: phone.waId },
  ]);
  const row = await deps.db.transaction().execute(async (tx) => {
    const inserted = await insertContactIfNew(tx, {
      id: newId(),
      workspace_id: workspaceId,
      wa_id: phone.waId,
      phone_e164: phone.e164,
      country: phone.country,
      timezone: timeZoneOfCountry(phone.country),
      search_key: searchKey ?? null,
      name: input.name ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      consent_state: consent,
      marketing_opted_out_at: consent === 'opted_out' ? now : null,
      created_at: now,
      updated_at: now,
    });
    // A consent given with the contact is recorded in the consent history too.
    if (inserted && input.consentState !== undefined && input.consentState !== 'unknown')
      await recordConsentChange(tx, deps.clock, {
        workspaceId,
        contactId: inserted.id,
        purpose: 'marketing',
        state: input.consentState,
        ...originOf(principal),
      });
    return inserted;
  });
  if (row) return toContactDto(row);
  const existing = await findContactByWaIds(deps.db, workspaceId, variants);
  throw contactExists(phone.e164, existing?.id ?? null, existing?.wa_id ?? phone.waId);
}

function contactExists(e164: string, existingId: string | null, waId: string): AppError {
  return new AppError('conflict', `A contact with phone ${e164} already exists`, { existingId, waId });
}

/** The consent source and actor of a contacts API call (`system` when called without a principal). */
function originOf(principal: Principal | undefined): Pick<ConsentChange, 'source' | 'actor'> {
  return principal ? consentOrigin(principal) : { source: 'api', actor: { type: 'system', id: null } };
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
  principal?: Principal,
): Promise<ContactDto> {
  await assertAttributesValid(deps.db, workspaceId, input.attributes);
  const row = await deps.db.transaction().execute(async (tx) => {
    const current = await findContact(tx, workspaceId, id, { forUpdate: true });
    if (!current) throw notFound('Contact');
    const now = deps.clock.now();
    // `consentState` is the marketing consent: recorded by the consent module (history, mirror on the contact).
    if (input.consentState !== undefined)
      await recordConsentChange(tx, deps.clock, {
        workspaceId,
        contactId: id,
        purpose: 'marketing',
        state: input.consentState,
        ...originOf(principal),
      });
    const searchKey =
      input.name !== undefined
        ? (
            await contactSearchKeys([
              { name: input.name, profileName: current.profile_name, waId: current.wa_id },
            ])
          )[0]
        : undefined;
    return updateContactRow(tx, workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name, search_key: searchKey ?? null } : {}),
      ...(input.attributes !== undefined
        ? { attributes: JSON.stringify(mergeAttributes(current.attributes, input.attributes)) }
        : {}),
      // A write through the API is activity: an archived contact comes back.
      archived_at: null,
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

/** At most this many duplicate suggestions are returned. */
const MAX_DUPLICATES = 20;

/**
 * Contacts that may be the same person as contact `id`: another WhatsApp form of its number (`waIdVariants`;
 * only left over from before contacts were found by every form), or the same normalized name reading
 * (山田 太郎 and やまだ たろう and Yamada Taro: `nameReadingKey`), through the search index. Newest first.
 */
export async function findDuplicateContacts(
  deps: ContactsDeps,
  workspaceId: string,
  id: string,
): Promise<ContactDuplicatesDto> {
  const row = await findContact(deps.db, workspaceId, id);
  if (!row) throw notFound('Contact');
  const analyzer = await analyzerFor([row.name, row.profile_name]);
  const readings = [nameReadingKey(analyzer, row.name), nameReadingKey(analyzer, row.profile_name)].filter(
    (r): r is string => r !== null,
  );
  const byNumber = await findContactsByWaIds(deps.db, workspaceId, waIdVariants(row.wa_id));
  const byName =
    readings.length > 0
      ? await searchContacts(deps.db, {
          workspaceId,
          search: anyOfQuery(readings),
          limit: MAX_DUPLICATES * 5,
        })
      : [];
  const found = new Map<string, { row: ContactRow; reasons: Set<'same_number' | 'same_name_reading'> }>();
  const add = (r: ContactRow, reason: 'same_number' | 'same_name_reading') => {
    if (r.id === id) return;
    const entry = found.get(r.id) ?? { row: r, reasons: new Set() };
    entry.reasons.add(reason);
    found.set(r.id, entry);
  };
  for (const r of byNumber) add(r, 'same_number');
  for (const r of byName)
    if (readings.some((reading) => keyHasPart(r.search_key, reading))) add(r, 'same_name_reading');
  const entries = [...found.values()].sort((a, b) => (a.row.id < b.row.id ? 1 : -1)).slice(0, MAX_DUPLICATES);
  const tags = await findTagsOfContacts(
    deps.db,
    workspaceId,
    entries.map((e) => e.row.id),
  );
  return {
    data: entries.map((e) => ({ contact: toContactDto(e.row, tags.get(e.row.id)), reasons: [...e.reasons] })),
  };
}
