/**
 * The consent check of the one path every send goes through (`queueMessage` in the messages module: API,
 * console, automation, campaigns): a marketing template to a contact who opted out of marketing is refused with
 * `contact_opted_out` (422). Utility and authentication templates and free-form messages (only possible inside
 * the customer's 24 h window) go. The category is read from the cached template list (`message_templates`); a
 * template missing from it counts as marketing for an opted-out contact (fail safe, see consent-send.rules.ts).
 */
import type { DbOrTx } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { findTemplatesByName } from '../templates/templates.repository.ts';
import { templateCategory, templateRefusal } from './consent-send.rules.ts';
import { findConsentState } from './consent.repository.ts';

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
  throw new AppError(
    'contact_opted_out',
    refusal.reason === 'marketing_template'
      ? 'This contact opted out of marketing messages: a marketing template cannot be sent to them'
      : 'This contact opted out of marketing messages, and the template is not in the synced template list, so it is treated as marketing',
    {
      purpose: 'marketing',
      template: name,
      language,
      category,
      reason: refusal.reason,
      hint: 'Utility and authentication templates, and replies inside the 24-hour window, can still be sent',
    },
  );
}
