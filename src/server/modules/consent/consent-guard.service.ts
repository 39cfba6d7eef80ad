/**
 * The consent check of the one path every send goes through (`queueMessage` in the messages module: API,
 * console, automation, campaigns): a marketing template to a contact who opted out of marketing is refused with
 * `contact_opted_out` (422). Utility and authentication templates and free-form messages (only possible inside
 * the customer's 24 h window) go. The category is read from the cached template list (`message_templates`); a
 * template missing from it counts as marketing for an opted-out contact (fail safe, see consent-send.rules.ts).
 */
import type { DbOrTx } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { findTemplatesByName, findTemplatesByNames } from '../templates/templates.repository.ts';
import { templateCategory, templateRefusal } from './consent-send.rules.ts';
import { findConsentState, findOptedOutContacts } from './consent.repository.ts';

/** What the check needs to know about a message being queued. */
export interface SendToCheck {
  workspaceId: string;
  contactId: string;
  /** Tsunagi's id of the sending number (its WABA owns the template). */
  phoneNumberId: string;
  /** The content in the Cloud API's shape (`{type, template: {name, language: {code}}}` for templates). */
  content: { type: string; template?: unknown };
}

/** Throws `contact_opted_out` when consent forbids this send; reads nothing for non-template messages. */
export async function assertConsentAllowsSend(db: DbOrTx, send: SendToCheck): Promise<void> {
  if (send.content.type !== 'template') return;
  const marketing = await findConsentState(db, {
    workspaceId: send.workspaceId,
    contactId: send.contactId,
    purpose: 'marketing',
  });
  if (marketing.state !== 'opted_out') return;
  const template = (send.content.template ?? {}) as { name?: unknown; language?: { code?: unknown } };
  const name = typeof template.name === 'string' ? template.name : '';
  const language = typeof template.language?.code === 'string' ? template.language.code : '';
  const number = await db
    .selectFrom('phone_numbers')
    .select('waba_id')
    .where('workspace_id', '=', send.workspaceId)
    .where('id', '=', send.phoneNumberId)
    .executeTakeFirst();
  const rows = number ? await findTemplatesByName(db, send.workspaceId, number.waba_id, name) : [];
  const category = templateCategory(rows, language);
  const refusal = templateRefusal(marketing.state, category);
  if (!refusal) return;
  throw optedOutError(refusal.reason, name, language, category);
}

function optedOutError(
  reason: 'marketing_template' | 'unknown_template',
  template: string,
  language: string,
  category: string | null,
): AppError {
  return new AppError(
    'contact_opted_out',
    reason === 'marketing_template'
      ? 'This contact opted out of marketing messages: a marketing template cannot be sent to them'
      : 'This contact opted out of marketing messages, and the template is not in the synced template list, so it is treated as marketing',
    {
      purpose: 'marketing',
      template,
      language,
      category,
      reason,
      hint: 'Utility and authentication templates, and replies inside the 24-hour window, can still be sent',
    },
  );
}

/** One send of a batch to check: its contact, the sending number's WABA and the content. */
export interface BatchSendToCheck {
  contactId: string;
  wabaId: string;
  content: { type: string; template?: unknown };
}

/**
 * `assertConsentAllowsSend` for a whole batch in two reads (the opted-out contacts among the batch's, then the
 * cached categories of the templates sent to them): the refusal of each send, in order, or null when it may go.
 */
export async function consentRefusals(
  db: DbOrTx,
  workspaceId: string,
  sends: BatchSendToCheck[],
): Promise<(AppError | null)[]> {
  const templated = [...new Set(sends.filter((s) => s.content.type === 'template').map((s) => s.contactId))];
  const optedOut = await findOptedOutContacts(db, workspaceId, templated);
  const refusals: (AppError | null)[] = sends.map(() => null);
  const checks = sends
    .map((s, i) => ({ s, i, t: templateOf(s.content) }))
    .filter((x) => x.s.content.type === 'template' && optedOut.has(x.s.contactId));
  if (checks.length === 0) return refusals;
  const rows = await findTemplatesByNames(
    db,
    workspaceId,
    [...new Set(checks.map((c) => c.s.wabaId))],
    [...new Set(checks.map((c) => c.t.name))],
  );
  for (const { s, i, t } of checks) {
    const ofName = rows.filter((r) => r.waba_id === s.wabaId && r.name === t.name);
    const category = templateCategory(ofName, t.language);
    const refusal = templateRefusal('opted_out', category);
    if (refusal) refusals[i] = optedOutError(refusal.reason, t.name, t.language, category);
  }
  return refusals;
}

function templateOf(content: { template?: unknown }): { name: string; language: string } {
  const template = (content.template ?? {}) as { name?: unknown; language?: { code?: unknown } };
  return {
    name: typeof template.name === 'string' ? template.name : '',
    language: typeof template.language?.code === 'string' ? template.language.code : '',
  };
}
