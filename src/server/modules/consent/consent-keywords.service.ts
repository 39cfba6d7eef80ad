/**
 * Consent keywords at work (job `consent.keyword`, one per workspace and ingest batch of new customer messages,
 * from the `message.received` listener): a message that is exactly an opt-out or opt-in keyword records the
 * marketing consent (source `keyword`, or `button` for a reply button; the message as evidence) and is answered
 * once with the confirmation, through the normal outbound path as an in-window text. Idempotent per inbound message: the
 * history entry is unique per message, and the confirmation is queued with the idempotency key
 * `consent:<message id>`, so a redelivered webhook or a re-run job neither records nor answers twice.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { queueMessage } from '../messages/messages.service.ts';
import {
  confirmationFor,
  consentInputOf,
  matchConsentKeyword,
  type KeywordMatch,
} from './consent-keywords.rules.ts';
import { getConsentSettings, recordConsentChange } from './consent.service.ts';

/** What the keyword job uses. */
export interface ConsentKeywordDeps {
  db: Db;
  clock: Clock;
}

/** The idempotency key of the confirmation answering an inbound message. */
export function confirmationKey(messageId: string): string {
  return `consent:${messageId}`;
}

/**
 * The keyword a customer message is, under the workspace's settings, or null. The automation engine asks this
 * before deciding, so a STOP never also gets an automatic answer.
 */
export async function consentKeywordOf(
  db: DbOrTx,
  message: { workspace_id: string; direction: string; type: string; content: unknown },
): Promise<KeywordMatch | null> {
  if (message.direction !== 'inbound') return null;
  const input = consentInputOf(message.type, message.content);
  if (!input) return null;
  return matchConsentKeyword(await getConsentSettings(db, message.workspace_id), input.text);
}

/** Handles one customer message (see the file comment). Returns what was done, for tests and logs. */
export async function handleConsentKeyword(
  deps: ConsentKeywordDeps,
  messageId: string,
): Promise<'not_keyword' | 'recorded' | 'already_recorded'> {
  return (await handleConsentKeywords(deps, [messageId]))[0] ?? 'not_keyword';
}

/**
 * Handles the customer messages of one job (see the file comment): one read of the messages and one of each
 * workspace's settings, then a transaction and a confirmation per keyword found. Returns what was done per
 * message, in order.
 */
export async function handleConsentKeywords(
  deps: ConsentKeywordDeps,
  messageIds: string[],
): Promise<Array<'not_keyword' | 'recorded' | 'already_recorded'>> {
  if (messageIds.length === 0) return [];
  const rows = await deps.db
    .selectFrom('messages')
    .select([
      'id',
      'workspace_id',
      'contact_id',
      'conversation_id',
      'direction',
      'type',
      'content',
      'occurred_at',
    ])
    .where('id', 'in', messageIds)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const settingsOf = new Map<string, Awaited<ReturnType<typeof getConsentSettings>>>();
  const results: Array<'not_keyword' | 'recorded' | 'already_recorded'> = [];
  for (const id of messageIds) {
    const message = byId.get(id);
    const input = message ? consentInputOf(message.type, message.content) : null;
    if (!message || !input || message.direction !== 'inbound') {
      results.push('not_keyword');
      continue;
    }
    let settings = settingsOf.get(message.workspace_id);
    if (!settings) {
      settings = await getConsentSettings(deps.db, message.workspace_id);
      settingsOf.set(message.workspace_id, settings);
    }
    const match = matchConsentKeyword(settings, input.text);
    if (!match) {
      results.push('not_keyword');
      continue;
    }
    const { recorded } = await deps.db.transaction().execute((tx) =>
      recordConsentChange(tx, deps.clock, {
        workspaceId: message.workspace_id,
        contactId: message.contact_id,
        purpose: 'marketing',
        state: match.kind === 'opt_out' ? 'opted_out' : 'opted_in',
        source: input.source,
        actor: { type: 'customer', id: message.contact_id },
        messageId: message.id,
        evidence: { messageId: message.id, text: input.text, keyword: match.keyword },
        at: message.occurred_at,
      }),
    );
    // Also after `already_recorded`: a crash between the record and the send must still answer, and the
    // idempotency key makes a second queueing a replay.
    await sendConfirmation(deps, message, confirmationFor(settings, match, input.text));
    results.push(recorded ? 'recorded' : 'already_recorded');
  }
  return results;
}

async function sendConfirmation(
  deps: ConsentKeywordDeps,
  message: { id: string; workspace_id: string; conversation_id: string },
  body: string,
): Promise<void> {
  if (body === '') return;
  try {
    await queueMessage(deps, message.workspace_id, {
      target: { conversationId: message.conversation_id },
      content: { type: 'text', text: { body } },
      origin: 'automation',
      idempotencyKey: confirmationKey(message.id),
    });
  } catch (err) {
    // Answered already with another text (the settings changed in between), or the window closed while the
    // job waited (the consent is recorded all the same): nothing to send.
    if (err instanceof AppError && (err.code === 'idempotency_key_reused' || err.code === 'window_closed'))
      return;
    throw err;
  }
}
