/**
 * Merging two contacts of a workspace, and undoing a merge. A merge moves everything of the source contact to the
 * survivor — conversations, messages, tags, attributes, consent, notes, events, campaign ledger rows, links,
 * clicks and conversions — through each owning module's repository, in one transaction, records exactly what
 * moved in `contact_merges` and one audit entry, and marks the source merged (it is kept, hidden from lists). An
 * undo moves exactly that back; whatever was added to the survivor after the merge stays with it.
 */
import { z } from 'zod';
import type { ContactMergeDto, ContactMergeMovedSchema } from '../../../contracts/contact-merges.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ConsentPurpose, ConsentState, Db, DbOrTx } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { markDirty } from '../analytics/analytics-rollup.repository.ts';
import { advanceTierEpoch } from '../analytics/analytics-tiers.repository.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import { moveLedgerRowsBack, moveLedgerRowsToContact } from '../campaigns/campaign-ledger.repository.ts';
import { moveLinksBack, moveLinksToContact } from '../campaigns/campaign-links.repository.ts';
import { moveConversionsBack, moveConversionsToContact } from '../campaigns/campaign-results.repository.ts';
import { findContactConsents } from '../consent/consent.repository.ts';
import { recordConsentChange } from '../consent/consent.service.ts';
import {
  listConversationsOfContact,
  moveConversationsBack,
  moveConversationsToContact,
  recomputeConversationTimes,
} from '../conversations/conversations.repository.ts';
import { moveMessagesBack, moveMessagesToContact } from '../messages/messages.repository.ts';
import {
  copyTagsToContact,
  findContactMerge,
  insertContactMerge,
  listMergesOfContact,
  markContactMergeUndone,
  moveContactRows,
  moveContactRowsBack,
  removeTagsOfContact,
  setContactAttributes,
  setContactMergedInto,
  type ContactMergeRow,
} from './contacts-merge.repository.ts';
import {
  mergeAttributesKeepingSurvivor,
  sourceConsentWins,
  unmergeAttributes,
} from './contacts-merge.rules.ts';
import { findContact } from './contacts.repository.ts';

/** What the merge service uses. */
export interface ContactMergeDeps {
  db: Db;
  clock: Clock;
}

const StateSchema = z.enum(['opted_in', 'opted_out', 'unknown']);

/** Exactly what a merge moved: stored in `contact_merges.moved`, read back by the undo. */
const MovedRecordSchema = z.object({
  conversations: z.array(z.string()),
  folded: z.array(z.object({ from: z.string(), into: z.string() })),
  messages: z.array(z.object({ id: z.string(), fromConversationId: z.string() })),
  tags: z.array(z.string()),
  attributesAdded: z.record(z.string(), z.unknown()),
  attributeConflicts: z.record(z.string(), z.unknown()),
  consent: z.array(
    z.object({
      purpose: z.enum(['marketing', 'utility']),
      from: StateSchema,
      to: StateSchema,
      /** The survivor's consent event the merge recorded: the undo restores `from` only while it is the latest. */
      eventId: z.string(),
    }),
  ),
  notes: z.array(z.string()),
  events: z.array(z.string()),
  campaigns: z.array(z.string()),
  campaignsKept: z.number().int(),
  links: z.object({ codes: z.array(z.string()), clicks: z.array(z.string()) }),
  conversions: z.array(z.string()),
});
type MovedRecord = z.infer<typeof MovedRecordSchema>;

/** The merging person or key, as recorded on the merge, its consent changes and the audit entry. */
function consentActor(actor: AuditActor) {
  return { type: actor.type, id: actor.id } as const;
}

/** Locks two contacts of the workspace in id order (no deadlock between two merges of the same pair). */
async function lockPair(tx: DbOrTx, workspaceId: string, a: string, b: string) {
  const [first, second] = a < b ? [a, b] : [b, a];
  const one = await findContact(tx, workspaceId, first, { forUpdate: true });
  const two = await findContact(tx, workspaceId, second, { forUpdate: true });
  if (!one || !two) throw notFound('Contact');
  return a < b ? { a: one, b: two } : { a: two, b: one };
}

/**
 * Merges contact `sourceId` into contact `survivorId`. Conversations move as they are, except on a number the
 * survivor already has a thread on: there the source's messages move into the survivor's thread (one thread per
 * contact and number). Tags and attribute keys the survivor lacks are added (the survivor's value wins a conflict;
 * the source's is kept in the merge record and on the source row). For each consent purpose the survivor ends
 * with the most recent change across both contacts (recorded as a consent change of the survivor; each contact's
 * own history is kept). Ledger rows move for campaigns the survivor was not in.
 */
export async function mergeContacts(
  deps: ContactMergeDeps,
  workspaceId: string,
  survivorId: string,
  sourceId: string,
  actor: AuditActor,
): Promise<ContactMergeDto> {
  if (survivorId === sourceId)
    throw new AppError('merge_same_contact', 'A contact cannot be merged into itself');
  const row = await deps.db.transaction().execute(async (tx) => {
    const { a: survivor, b: source } = await lockPair(tx, workspaceId, survivorId, sourceId);
    for (const c of [survivor, source])
      if (c.merged_into_id)
        throw new AppError(
          'contact_already_merged',
          'This contact has been merged into another one already',
          {
            contactId: c.id,
            mergedIntoId: c.merged_into_id,
          },
        );
    const now = deps.clock.now();
    const id = newId();
    const conversations = await moveConversationsToContact(tx, workspaceId, sourceId, survivorId);
    const survivorThreads = new Map(
      (await listConversationsOfContact(tx, workspaceId, survivorId)).map((v) => [v.phone_number_id, v.id]),
    );
    const folded = (await listConversationsOfContact(tx, workspaceId, sourceId)).flatMap((v) => {
      const into = survivorThreads.get(v.phone_number_id);
      return into ? [{ from: v.id, into }] : [];
    });
    const messages = await moveMessagesToContact(
      tx,
      workspaceId,
      sourceId,
      survivorId,
      new Map(folded.map((f) => [f.from, f.into])),
    );
    await refreshFolded(tx, workspaceId, folded);
    const tags = await copyTagsToContact(tx, workspaceId, sourceId, survivorId, now);
    const attrs = mergeAttributesKeepingSurvivor(survivor.attributes, source.attributes);
    if (Object.keys(attrs.added).length > 0)
      await setContactAttributes(tx, workspaceId, survivorId, attrs.merged, now);
    const consent = await takeNewerConsent(deps, tx, {
      workspaceId,
      survivorId,
      sourceId,
      mergeId: id,
      actor,
    });
    const moved: MovedRecord = {
      conversations,
      folded,
      messages,
      tags,
      attributesAdded: attrs.added,
      attributeConflicts: attrs.conflicts,
      consent,
      notes: await moveContactRows(tx, 'contact_notes', workspaceId, sourceId, survivorId),
      events: await moveContactRows(tx, 'contact_events', workspaceId, sourceId, survivorId),
      ...(await moveLedger(tx, workspaceId, sourceId, survivorId)),
      links: await moveLinksToContact(tx, workspaceId, sourceId, survivorId),
      conversions: await moveConversionsToContact(tx, workspaceId, sourceId, survivorId),
    };
    await setContactMergedInto(tx, workspaceId, sourceId, survivorId, now);
    const merge = {
      id,
      workspace_id: workspaceId,
      survivor_id: survivorId,
      source_id: sourceId,
      moved,
      actor_type: actor.type,
      actor_id: actor.id,
      created_at: now,
    };
    await insertContactMerge(tx, merge);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'contact.merged',
      target: { type: 'contact', id: survivorId },
      data: {
        mergeId: id,
        sourceContactId: sourceId,
        conversations: conversations.length,
        messages: messages.length,
      },
    });
    return { ...merge, moved: JSON.parse(JSON.stringify(moved)) as unknown, undone_at: null };
  });
  return toMergeDto(row);
}

/**
 * After a merge or its undo: for messages moved between two threads of a number, their last message and last
 * inbound times and the analytics of both conversations (marked for the next refresh); and, since two contacts
 * became one or one became two again, the activity tiers kept for past instants no longer hold (the tier epoch
 * moves on).
 */
async function refreshFolded(
  tx: DbOrTx,
  workspaceId: string,
  folded: ReadonlyArray<{ from: string; into: string }>,
) {
  for (const f of folded) {
    await recomputeConversationTimes(tx, workspaceId, f.from);
    await recomputeConversationTimes(tx, workspaceId, f.into);
  }
  await markDirty(
    tx,
    workspaceId,
    [],
    folded.flatMap((f) => [f.from, f.into]),
  );
  await advanceTierEpoch(tx, workspaceId);
}

async function moveLedger(tx: DbOrTx, workspaceId: string, fromId: string, toId: string) {
  const ledger = await moveLedgerRowsToContact(tx, workspaceId, fromId, toId);
  return { campaigns: ledger.moved, campaignsKept: ledger.kept };
}

/** For each purpose where the source's consent is the more recent change, records it as the survivor's. */
async function takeNewerConsent(
  deps: ContactMergeDeps,
  tx: DbOrTx,
  m: { workspaceId: string; survivorId: string; sourceId: string; mergeId: string; actor: AuditActor },
): Promise<MovedRecord['consent']> {
  const [mine, theirs] = await Promise.all([
    findContactConsents(tx, m.workspaceId, m.survivorId),
    findContactConsents(tx, m.workspaceId, m.sourceId),
  ]);
  const out: MovedRecord['consent'] = [];
  for (const src of theirs) {
    const own = mine.find((r) => r.purpose === src.purpose) ?? null;
    const asNow = (r: typeof src | null) => (r ? { state: r.state, changedAt: r.changed_at } : null);
    if (!sourceConsentWins(asNow(own), asNow(src))) continue;
    await recordConsentChange(tx, deps.clock, {
      workspaceId: m.workspaceId,
      contactId: m.survivorId,
      purpose: src.purpose,
      state: src.state,
      source: src.source,
      actor: consentActor(m.actor),
      evidence: { mergeId: m.mergeId, mergedFromContactId: m.sourceId, sourceEventId: src.last_event_id },
      at: src.changed_at,
    });
    const after = await findContactConsents(tx, m.workspaceId, m.survivorId);
    const eventId = after.find((r) => r.purpose === src.purpose)?.last_event_id ?? '';
    out.push({ purpose: src.purpose, from: own?.state ?? 'unknown', to: src.state, eventId });
  }
  return out;
}

/**
 * Undoes a merge: moves back exactly what it moved (rows added to the survivor since stay with it), takes away
 * the tags and attribute keys it added (unless changed since), restores each consent it changed while that change
 * is still the survivor's latest, and unmarks the source. One transaction, one audit entry.
 */
export async function undoContactMerge(
  deps: ContactMergeDeps,
  workspaceId: string,
  mergeId: string,
  actor: AuditActor,
): Promise<ContactMergeDto> {
  const row = await deps.db.transaction().execute(async (tx) => {
    const merge = await findContactMerge(tx, workspaceId, mergeId, { forUpdate: true });
    if (!merge) throw notFound('Merge');
    if (merge.undone_at) throw new AppError('merge_already_undone', 'This merge was undone already');
    const { survivor_id: survivorId, source_id: sourceId } = merge;
    const { a: survivor, b: source } = await lockPair(tx, workspaceId, survivorId, sourceId);
    if (survivor.merged_into_id || source.merged_into_id !== survivorId)
      throw new AppError(
        'merge_not_undoable',
        'The surviving contact has since been merged into another contact: undo that merge first',
        { mergedIntoId: survivor.merged_into_id },
      );
    const moved = MovedRecordSchema.parse(merge.moved);
    const now = deps.clock.now();
    await moveConversionsBack(tx, workspaceId, moved.conversions, survivorId, sourceId);
    await moveLinksBack(tx, workspaceId, moved.links, survivorId, sourceId);
    await moveLedgerRowsBack(tx, workspaceId, moved.campaigns, survivorId, sourceId);
    await moveContactRowsBack(tx, 'contact_events', workspaceId, moved.events, survivorId, sourceId);
    await moveContactRowsBack(tx, 'contact_notes', workspaceId, moved.notes, survivorId, sourceId);
    await moveMessagesBack(tx, workspaceId, moved.messages, survivorId, sourceId);
    await moveConversationsBack(tx, workspaceId, moved.conversations, survivorId, sourceId);
    await refreshFolded(tx, workspaceId, moved.folded);
    await removeTagsOfContact(tx, workspaceId, survivorId, moved.tags);
    if (Object.keys(moved.attributesAdded).length > 0)
      await setContactAttributes(
        tx,
        workspaceId,
        survivorId,
        unmergeAttributes(survivor.attributes, moved.attributesAdded),
        now,
      );
    await restoreConsent(deps, tx, { workspaceId, survivorId, mergeId, actor }, moved.consent);
    await setContactMergedInto(tx, workspaceId, sourceId, null, now);
    await markContactMergeUndone(tx, workspaceId, mergeId, { type: actor.type, id: actor.id, at: now });
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'contact.merge_undone',
      target: { type: 'contact', id: survivorId },
      data: { mergeId, sourceContactId: sourceId },
    });
    return { ...merge, undone_at: now };
  });
  return toMergeDto(row);
}

async function restoreConsent(
  deps: ContactMergeDeps,
  tx: DbOrTx,
  m: { workspaceId: string; survivorId: string; mergeId: string; actor: AuditActor },
  changes: MovedRecord['consent'],
): Promise<void> {
  if (changes.length === 0) return;
  const current = await findContactConsents(tx, m.workspaceId, m.survivorId);
  for (const c of changes) {
    const now = current.find((r) => r.purpose === c.purpose);
    // A consent change made after the merge is the survivor's own wish: it stays.
    if (!now || now.last_event_id !== c.eventId) continue;
    await recordConsentChange(tx, deps.clock, {
      workspaceId: m.workspaceId,
      contactId: m.survivorId,
      purpose: c.purpose as ConsentPurpose,
      state: c.from as ConsentState,
      source: now.source,
      actor: consentActor(m.actor),
      evidence: { undoOfMergeId: m.mergeId },
    });
  }
}

/** The merges contact `contactId` took part in (as survivor or source), newest first. */
export async function listContactMerges(
  deps: ContactMergeDeps,
  workspaceId: string,
  contactId: string,
): Promise<{ data: ContactMergeDto[] }> {
  if (!(await findContact(deps.db, workspaceId, contactId))) throw notFound('Contact');
  return { data: (await listMergesOfContact(deps.db, workspaceId, contactId)).map(toMergeDto) };
}

function toMergeDto(row: Omit<ContactMergeRow, 'undone_by_type' | 'undone_by_id'>): ContactMergeDto {
  const m = MovedRecordSchema.parse(row.moved);
  const moved: z.infer<typeof ContactMergeMovedSchema> = {
    conversations: m.conversations.length,
    messages: m.messages.length,
    foldedConversations: m.folded.length,
    tags: m.tags,
    attributes: Object.keys(m.attributesAdded),
    attributeConflicts: m.attributeConflicts,
    consent: m.consent.map((c) => ({ purpose: c.purpose, from: c.from, to: c.to })),
    notes: m.notes.length,
    events: m.events.length,
    campaignRecipients: m.campaigns.length,
    campaignRecipientsKept: m.campaignsKept,
    conversions: m.conversions.length,
  };
  return {
    id: row.id,
    survivorId: row.survivor_id,
    sourceId: row.source_id,
    moved,
    actor: { type: row.actor_type, id: row.actor_id },
    createdAt: row.created_at.toISOString(),
    undoneAt: row.undone_at?.toISOString() ?? null,
  };
}
