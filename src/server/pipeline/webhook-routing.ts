import type { PhoneNumberRow } from '../db/types.ts';
import type { WebhookItem } from '../whatsapp/webhook-parse.ts';
import type { InboundItem } from './inbound-apply.ts';
import type { StatusItem } from './status-apply.ts';
import { webhookStatusToMessageStatus } from './status.rules.ts';

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

/** Parsed webhook items sorted by what applies them. */
export interface RoutedItems {
  inbound: InboundItem[];
  statuses: StatusItem[];
  preferences: PreferenceChange[];
  wabaLetters: WabaLetter[];
  deadLetters: DeadLetter[];
}

export function emptyRouted(): RoutedItems {
  return { inbound: [], statuses: [], preferences: [], wabaLetters: [], deadLetters: [] };
}

/** `value.metadata.phone_number_id` of a field update, when there is one. */
function metadataPhoneNumberId(value: unknown): string | null {
  const metadata = (value as { metadata?: { phone_number_id?: unknown } } | null)?.metadata;
  const id = metadata?.phone_number_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * Sorts one parsed webhook item into `out` (pure): inbound messages for registered numbers, statuses we know,
 * marketing preferences; everything else — unknown numbers, unknown status values, account errors, fields we
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

/** Largest dead-letter payload kept as JSON; larger ones are kept as a text prefix. */
const MAX_PAYLOAD_CHARS = 64 * 1024;

/**
 * A dead letter's payload as a jsonb-safe JSON text: never throws (cyclic or too deep values become a
 * description), U+0000 (which PostgreSQL rejects) is replaced, and oversized payloads are truncated.
 */
export function deadLetterPayload(payload: unknown): string | null {
  if (payload === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(payload) ?? 'null';
  } catch (err) {
    text = JSON.stringify({ unserializable: err instanceof Error ? err.message : String(err) });
  }
  text = text.replaceAll('\\u0000', '\\ufffd');
  if (text.length > MAX_PAYLOAD_CHARS)
    text = JSON.stringify({ truncated: true, prefix: text.slice(0, MAX_PAYLOAD_CHARS) });
  return text;
}
