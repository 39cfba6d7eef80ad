import { storableJson, storableText } from '../../lib/storable.ts';
import type { PhoneNumberRow } from '../db/types.ts';
import type { WebhookItem } from '../whatsapp/webhook-parse.ts';
import type { InboundItem } from './inbound-apply.ts';
import type { StatusItem } from '../modules/messages/message-status.service.ts';
import { webhookStatusToMessageStatus } from '../modules/messages/message-status.rules.ts';
import { isTemplateWebhookField } from '../modules/templates/templates.rules.ts';
import {
  isHealthWebhookField,
  type HealthWebhookField,
} from '../modules/phone-numbers/phone-numbers-health.service.ts';

/** An item that could not be applied, with the reason; stored in `dead_letters`. */
export interface DeadLetter {
  workspace_id: string | null;
  webhook_event_id: number;
  path: string | null;
  reason: string;
  payload: unknown;
}

/**
 * A `user_preferences` change (marketing stop/resume): applied to the workspace of the number in its
 * `metadata.phone_number_id`, else to the workspaces with verified numbers on the WABA (see `waba-routing.ts`).
 */
export interface PreferenceChange {
  webhookEventId: number;
  wabaId: string | null;
  phoneNumberId: string | null;
  value: unknown;
}

/** A WABA-level update Tsunagi does not apply (account_update, …): dead-lettered for the WABA's workspaces. */
export interface WabaLetter {
  webhookEventId: number;
  wabaId: string;
  path: string;
  reason: string;
  payload: unknown;
}

/** A template webhook (status, quality or category update) for the WABA's workspaces. */
export interface TemplateUpdate {
  webhookEventId: number;
  wabaId: string;
  path: string;
  value: unknown;
}

/**
 * A number's health update (`phone_number_quality_update`, `account_update`): stored on the WABA's verified
 * numbers in the workspaces it belongs to (see `waba-routing.ts`); dead-lettered when none matches.
 */
export interface HealthUpdate extends WabaLetter {
  field: HealthWebhookField;
}

/** Parsed webhook items sorted by what applies them. */
export interface RoutedItems {
  inbound: InboundItem[];
  statuses: StatusItem[];
  preferences: PreferenceChange[];
  templates: TemplateUpdate[];
  healthUpdates: HealthUpdate[];
  wabaLetters: WabaLetter[];
  deadLetters: DeadLetter[];
}

export function emptyRouted(): RoutedItems {
  return {
    inbound: [],
    statuses: [],
    preferences: [],
    templates: [],
    healthUpdates: [],
    wabaLetters: [],
    deadLetters: [],
  };
}

/** `value.metadata.phone_number_id` of a field update, when there is one. */
function metadataPhoneNumberId(value: unknown): string | null {
  const metadata = (value as { metadata?: { phone_number_id?: unknown } } | null)?.metadata;
  const id = metadata?.phone_number_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * Sorts one parsed webhook item into `out` (pure): inbound messages for registered numbers, statuses we know,
 * marketing preferences, template updates; everything else — unknown numbers, unknown status values, account errors, fields we
 * don't handle, malformed items — becomes a dead letter with the reason, never a silent drop.
 */
export function routeItem(
  item: WebhookItem,
  index: number,
  eventId: number,
  numbers: Map<string, PhoneNumberRow>,
  out: RoutedItems,
): void {
  const dead = (
    reason: string,
    path: string | null,
    payload: unknown,
    workspaceId: string | null = null,
  ): void => {
    out.deadLetters.push({ workspace_id: workspaceId, webhook_event_id: eventId, path, reason, payload });
  };
  switch (item.kind) {
    case 'message': {
      const number = numbers.get(item.phoneNumberId);
      if (!number)
        return dead(`unknown phone number id ${item.phoneNumberId}`, `item[${index}]`, item.message.raw);
      const m = item.message;
      const content: Record<string, unknown> = { ...m.raw };
      delete content.id;
      delete content.from;
      delete content.timestamp;
      // Where U+FFFD stands for text PostgreSQL could not store: kept with the message, shown by the API.
      if (m.sanitized.length > 0) content.sanitized = m.sanitized;
      out.inbound.push({
        number,
        wamid: m.wamid,
        from: m.from,
        profileName: item.contact?.name ?? null,
        timestamp: m.timestamp,
        type: m.type,
        content,
      });
      return;
    }
    case 'status': {
      const s = item.status;
      if (webhookStatusToMessageStatus(s.status) === null) {
        return dead(
          `unhandled status "${s.status}"`,
          `item[${index}]`,
          s.raw,
          numbers.get(item.phoneNumberId)?.workspace_id ?? null,
        );
      }
      out.statuses.push({
        phoneNumberId: item.phoneNumberId,
        wamid: s.wamid,
        status: s.status,
        timestamp: s.timestamp,
        bizOpaqueCallbackData: s.bizOpaqueCallbackData,
        errors: s.errors,
        pricing: s.pricing,
      });
      return;
    }
    case 'account_error': {
      const number = item.phoneNumberId ? numbers.get(item.phoneNumberId) : undefined;
      const first = item.errors[0];
      return dead(
        `account error ${first?.code ?? ''}: ${first?.title ?? first?.message ?? 'unknown'}`,
        `item[${index}]`,
        item.errors,
        number?.workspace_id ?? null,
      );
    }
    case 'field':
      if (item.field === 'user_preferences') {
        out.preferences.push({
          webhookEventId: eventId,
          wabaId: item.wabaId,
          phoneNumberId: metadataPhoneNumberId(item.value),
          value: item.value,
        });
        return;
      }
      if (item.wabaId && isTemplateWebhookField(item.field)) {
        out.templates.push({
          webhookEventId: eventId,
          wabaId: item.wabaId,
          path: `item[${index}]`,
          value: item.value,
        });
        return;
      }
      if (item.wabaId && isHealthWebhookField(item.field)) {
        out.healthUpdates.push({
          webhookEventId: eventId,
          wabaId: item.wabaId,
          field: item.field,
          path: `item[${index}]`,
          reason: `${item.field} for no verified number of WABA ${item.wabaId}`,
          payload: item.value,
        });
        return;
      }
      if (item.wabaId) {
        out.wabaLetters.push({
          webhookEventId: eventId,
          wabaId: item.wabaId,
          path: `item[${index}]`,
          reason: `unhandled webhook field ${item.field}`,
          payload: item.value,
        });
        return;
      }
      return dead(`unhandled webhook field ${item.field}`, `item[${index}]`, item.value);
    case 'invalid':
      return dead(`invalid: ${item.reason}`, item.path, item.raw);
  }
}

/** Depth below which a payload too deep to serialise is cut. */
const PRUNE_DEPTH = 32;

/** A copy of `value` with every subtree deeper than `depth` replaced by a description. */
function prune(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth <= 0) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => prune(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prune(v, depth - 1)]));
}

/** Largest dead-letter payload kept as JSON; larger ones are kept as a text prefix. */
const MAX_PAYLOAD_CHARS = 64 * 1024;

/**
 * A dead letter's payload as a jsonb-safe JSON text: never throws (cyclic or too deep values become a
 * description), U+0000 and lone surrogates (which PostgreSQL rejects) are replaced by U+FFFD, and oversized
 * payloads are truncated (on a code point boundary).
 */
export function deadLetterPayload(payload: unknown): string | null {
  if (payload === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(storableJson(payload).value) ?? 'null';
  } catch (err) {
    // Too deep for JSON.stringify (a RangeError): the top of it is kept, deeper subtrees are described.
    try {
      text = JSON.stringify(storableJson(prune(payload, PRUNE_DEPTH)).value) ?? 'null';
    } catch {
      text = JSON.stringify({ unserializable: err instanceof Error ? err.message : String(err) });
    }
  }
  // Still there in a subtree deeper than the walk goes: escapes in the JSON text (JSON.stringify writes a lone
  // surrogate as `\udXXX` and a valid pair as itself); an escaped backslash before `u` is not an escape.
  text = text.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi, '$1\\ufffd');
  if (text.length > MAX_PAYLOAD_CHARS) {
    const prefix = storableText(text.slice(0, MAX_PAYLOAD_CHARS));
    text = JSON.stringify({ truncated: true, prefix });
  }
  return text;
}
