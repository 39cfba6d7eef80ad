/**
 * Consent per contact and purpose: records every change (with source, actor and evidence) in the append-only
 * history and moves the current state, in the caller's transaction; reads state and history for the API; keeps
 * the keyword settings. The marketing state is mirrored into `contacts.consent_state` for the contact DTO.
 */
import { z } from 'zod';
import {
  ConsentSettingsSchema,
  type ConsentSettings,
  type ContactConsentView,
} from '../../../contracts/consent.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ConsentPurpose, ConsentSource, ConsentState, Db, DbOrTx } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { normalizeWaId, waIdVariants } from '../contacts/contacts.rules.ts';
import {
  findContact,
  findContactIdsByWaIds,
  setMarketingConsentMirror,
  setMarketingConsentMirrors,
} from '../contacts/contacts.repository.ts';
import { findContactsMergedInto } from '../contacts/contacts-merge.repository.ts';
import { DEFAULT_CONSENT_SETTINGS } from './consent-keywords.rules.ts';
import {
  findConsentEvents,
  findConsentSettings,
  findConsentState,
  findConsentStates,
  findContactConsents,
  insertConsentEvent,
  insertConsentEvents,
  saveConsentSettings,
  upsertContactConsent,
  upsertContactConsents,
} from './consent.repository.ts';

/** What the consent API's service functions use. */
export interface ConsentDeps {
  db: Db;
  clock: Clock;
}

/** Who made a consent change: a console user, an API key, the system (imports, jobs) or the customer. */
export interface ConsentActor {
  type: 'user' | 'api_key' | 'system' | 'customer';
  id: string | null;
}

/** One consent change to record. */
export interface ConsentChange {
  workspaceId: string;
  contactId: string;
  purpose: ConsentPurpose;
  state: ConsentState;
  source: ConsentSource;
  actor: ConsentActor;
  /** The inbound message that carried it (keyword, button): makes the change once per message. */
  messageId?: string | null;
  evidence?: Record<string, unknown>;
  /** When it happened (default: now); e.g. the WhatsApp timestamp of a preference change. */
  at?: Date;
}

/**
 * Records a consent change in the caller's transaction: a history entry (previous and new state) and the new
 * current state; the marketing state is mirrored on the contact. Every request is recorded, also one that
 * confirms the current state (it is evidence too). A change carrying a `messageId` already recorded is a
 * no-op: `recorded` is false.
 */
export async function recordConsentChange(
  tx: DbOrTx,
  clock: Clock,
  change: ConsentChange,
): Promise<{ recorded: boolean; previous: ConsentState }> {
  const key = { workspaceId: change.workspaceId, contactId: change.contactId, purpose: change.purpose };
  const current = await findConsentState(tx, key, { forUpdate: true });
  const now = clock.now();
  const at = change.at ?? now;
  const id = newId();
  const recorded = await insertConsentEvent(tx, {
    id,
    workspace_id: change.workspaceId,
    contact_id: change.contactId,
    purpose: change.purpose,
    state: change.state,
    previous_state: current.state,
    source: change.source,
    actor_type: change.actor.type,
    actor_id: change.actor.id,
    message_id: change.messageId ?? null,
    evidence: change.evidence ?? {},
    occurred_at: at,
    created_at: now,
  });
  if (!recorded) return { recorded: false, previous: current.state };
  await upsertContactConsent(tx, {
    workspace_id: change.workspaceId,
    contact_id: change.contactId,
    purpose: change.purpose,
    state: change.state,
    source: change.source,
    changed_at: at,
    last_event_id: id,
  });
  if (change.purpose === 'marketing')
    await setMarketingConsentMirror(tx, change.workspaceId, change.contactId, change.state, now);
  return { recorded: true, previous: current.state };
}

/**
 * Records many consent changes without an inbound message (an import batch, a bulk action) in the caller's
 * transaction, with the same outcome as calling `recordConsentChange` for each in order — a history entry per
 * change whose previous state is the one before it (a contact changed twice in a batch gets both entries), the
 * last change per contact and purpose as the current state, the marketing state mirrored — in a few set-based
 * statements instead of four per change.
 */
export async function recordConsentChanges(
  tx: DbOrTx,
  clock: Clock,
  changes: ReadonlyArray<ConsentChange & { messageId?: null }>,
): Promise<void> {
  const groups = new Map<string, Array<ConsentChange>>();
  for (const c of changes) {
    const key = `${c.workspaceId}|${c.purpose}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const now = clock.now();
  for (const list of groups.values()) {
    const { workspaceId, purpose } = list[0] as ConsentChange;
    const contactIds = [...new Set(list.map((c) => c.contactId))].sort();
    const states = await findConsentStates(tx, workspaceId, purpose, contactIds, { forUpdate: true });
    const events: Parameters<typeof insertConsentEvents>[1][number][] = [];
    const latest = new Map<string, { state: ConsentState; source: ConsentSource; at: Date; id: string }>();
    for (const c of list) {
      const id = newId();
      const at = c.at ?? now;
      events.push({
        id,
        workspace_id: workspaceId,
        contact_id: c.contactId,
        purpose,
        state: c.state,
        previous_state: states.get(c.contactId)?.state ?? 'unknown',
        source: c.source,
        actor_type: c.actor.type,
        actor_id: c.actor.id,
        message_id: null,
        evidence: c.evidence ?? {},
        occurred_at: at,
        created_at: now,
      });
      states.set(c.contactId, { state: c.state, source: c.source });
      latest.set(c.contactId, { state: c.state, source: c.source, at, id });
    }
    await insertConsentEvents(tx, events);
    await upsertContactConsents(
      tx,
      [...latest].map(([contactId, l]) => ({
        workspace_id: workspaceId,
        contact_id: contactId,
        purpose,
        state: l.state,
        source: l.source,
        changed_at: l.at,
        last_event_id: l.id,
      })),
    );
    if (purpose === 'marketing')
      await setMarketingConsentMirrors(
        tx,
        workspaceId,
        [...latest].map(([id, l]) => ({ id, state: l.state })),
        now,
      );
  }
}

/** How many history entries the contact view returns (newest first). */
const HISTORY_LIMIT = 200;

/**
 * A contact's consent per purpose (`unknown` when never recorded) and its history, newest first. The history of a
 * contact others were merged into includes theirs (consent history is append-only: it stays on the contact it
 * was recorded for).
 */
export async function getContactConsent(
  deps: ConsentDeps,
  workspaceId: string,
  contactId: string,
): Promise<ContactConsentView> {
  const contact = await findContact(deps.db, workspaceId, contactId);
  if (!contact) throw notFound('Contact');
  const [rows, events] = await Promise.all([
    findContactConsents(deps.db, workspaceId, contactId),
    findContactsMergedInto(deps.db, workspaceId, contactId).then((merged) =>
      findConsentEvents(deps.db, workspaceId, [contactId, ...merged], HISTORY_LIMIT),
    ),
  ]);
  const purposes: ConsentPurpose[] = ['marketing', 'utility'];
  return {
    contactId,
    consents: purposes.map((purpose) => {
      const row = rows.find((r) => r.purpose === purpose);
      return {
        purpose,
        state: row?.state ?? 'unknown',
        source: row?.source ?? null,
        changedAt: row?.changed_at.toISOString() ?? null,
      };
    }),
    history: events.map((e) => ({
      id: e.id,
      purpose: e.purpose,
      state: e.state,
      previousState: e.previous_state,
      source: e.source,
      actor: { type: e.actor_type, id: e.actor_id },
      messageId: e.message_id,
      evidence: (e.evidence ?? {}) as Record<string, unknown>,
      occurredAt: e.occurred_at.toISOString(),
    })),
  };
}

/**
 * Records a change asked for through the API: source `console` for a signed-in person, `api` for an API key;
 * the actor is that user or key.
 */
export async function changeContactConsent(
  deps: ConsentDeps,
  principal: Principal,
  contactId: string,
  input: { purpose: ConsentPurpose; state: ConsentState; evidence?: Record<string, unknown> | undefined },
): Promise<ContactConsentView> {
  const workspaceId = principal.workspaceId;
  await deps.db.transaction().execute(async (tx) => {
    const contact = await findContact(tx, workspaceId, contactId, { forUpdate: true });
    if (!contact) throw notFound('Contact');
    await recordConsentChange(tx, deps.clock, {
      workspaceId,
      contactId,
      purpose: input.purpose,
      state: input.state,
      ...consentOrigin(principal),
      evidence: input.evidence ?? {},
    });
  });
  return getContactConsent(deps, workspaceId, contactId);
}

/** The source and actor of a change made by a principal: `console` and the user, or `api` and the key. */
export function consentOrigin(principal: Principal): { source: ConsentSource; actor: ConsentActor } {
  return principal.kind === 'session'
    ? { source: 'console', actor: { type: 'user', id: principal.userId } }
    : { source: 'api', actor: { type: 'api_key', id: principal.apiKeyId } };
}

/** The workspace's keyword settings, or the ja/en defaults when it never saved its own. */
export async function getConsentSettings(db: DbOrTx, workspaceId: string): Promise<ConsentSettings> {
  const saved = ConsentSettingsSchema.safeParse(await findConsentSettings(db, workspaceId));
  return saved.success ? saved.data : DEFAULT_CONSENT_SETTINGS;
}

/** Saves the workspace's keyword settings (validated by the route's schema). */
export async function putConsentSettings(
  deps: ConsentDeps,
  workspaceId: string,
  settings: ConsentSettings,
): Promise<ConsentSettings> {
  await saveConsentSettings(deps.db, workspaceId, settings, deps.clock.now());
  return getConsentSettings(deps.db, workspaceId);
}

const UserPreferencesSchema = z.looseObject({
  user_preferences: z.array(
    z.looseObject({
      wa_id: z.string(),
      detail: z.string().optional(),
      category: z.string().optional(),
      value: z.string(),
      timestamp: z.union([z.string(), z.number()]).optional(),
    }),
  ),
});

/**
 * Applies `user_preferences` webhooks (the customer stopped or resumed marketing messages from the WhatsApp
 * client) of one workspace, in journal order, in the ingest transaction: the marketing consent of each known
 * contact is recorded with source `whatsapp_preferences`, the customer as actor, the webhook's entry as evidence.
 * A redelivered webhook changes nothing (the state already came from WhatsApp with that value). Unknown contacts
 * are left alone (nothing to attach the consent to). Returns how many changes were recorded.
 *
 * Set-based — a handful of statements for a whole ingest batch, whatever the number of preferences — with the
 * outcome of applying them one by one: the harness's 500 opt-outs at a server's start took ~3,500 statements
 * in one ingest transaction, longer under load than the journal claim, so the other ingest loop took the same
 * batch again and waited on its row locks (test/pipeline/user-preferences-ingest.int.test.ts).
 */
export async function applyUserPreferences(
  db: DbOrTx,
  clock: Clock,
  workspaceId: string,
  values: readonly unknown[],
): Promise<number> {
  const prefs = values.flatMap((value) => {
    const parsed = UserPreferencesSchema.safeParse(value);
    return parsed.success ? parsed.data.user_preferences : [];
  });
  const wanted = prefs.flatMap((pref) => {
    if (pref.category && !pref.category.startsWith('marketing')) return [];
    const v = pref.value.toLowerCase();
    if (v !== 'stop' && v !== 'resume') return [];
    const state: ConsentState = v === 'stop' ? 'opted_out' : 'opted_in';
    return [{ pref, state, waIds: waIdVariants(normalizeWaId(pref.wa_id)) }];
  });
  const contactOf = await findContactIdsByWaIds(
    db,
    workspaceId,
    wanted.flatMap((w) => w.waIds),
  );
  const known = wanted.flatMap((w) => {
    // The first variant a contact has, as `findContactByWaIds` chooses.
    const contactId = w.waIds.map((id) => contactOf.get(id)).find((id) => id !== undefined);
    return contactId ? [{ ...w, contactId }] : [];
  });
  const current = await findConsentStates(
    db,
    workspaceId,
    'marketing',
    [...new Set(known.map((k) => k.contactId))].sort(),
    { forUpdate: true },
  );
  const changes: Array<ConsentChange & { messageId?: null }> = [];
  for (const { pref, state, contactId } of known) {
    const now = current.get(contactId);
    if (now?.state === state && now.source === 'whatsapp_preferences') continue;
    current.set(contactId, { state, source: 'whatsapp_preferences' });
    const seconds = Number(pref.timestamp);
    changes.push({
      workspaceId,
      contactId,
      purpose: 'marketing',
      state,
      source: 'whatsapp_preferences',
      actor: { type: 'customer', id: contactId },
      evidence: { ...pref },
      ...(Number.isFinite(seconds) && seconds > 0 ? { at: new Date(seconds * 1000) } : {}),
    });
  }
  await recordConsentChanges(db, clock, changes);
  return changes.length;
}
