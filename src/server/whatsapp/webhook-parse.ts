import type { z } from 'zod';
import {
  WHATSAPP_WEBHOOK_OBJECT,
  WebhookContactSchema,
  WebhookErrorSchema,
  WebhookMessageBaseSchema,
  WebhookMetadataSchema,
  WebhookStatusSchema,
} from '../../contracts/whatsapp/webhook.schemas.ts';
import { storableJson } from '../../lib/storable.ts';
import type { InvalidWebhookItem, WebhookContact, WebhookErrorEntry, WebhookItem } from './webhook-items.ts';

export type * from './webhook-items.ts';

type Obj = Record<string, unknown>;
type Contact = z.infer<typeof WebhookContactSchema>;

/** A `\u0000` or `\uD800`–`\uDFFF` escape: the only ways a decoded body can hold unstorable text. */
const MAYBE_UNSTORABLE = /\\u(0000|[dD][89a-fA-F])/;

/** Raw text kept on a malformed-JSON item, at most this many characters (the journal has the full body). */
const MAX_RAW_TEXT = 1000;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string, path: string, raw: unknown): InvalidWebhookItem {
  return { kind: 'invalid', reason, path, raw };
}

/** `id: is missing; timestamp: must be unix seconds` — the first issues of a failed element check. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function toSeconds(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

function nonEmpty(value: string | undefined): string | null {
  return value !== undefined && value !== '' ? value : null;
}

function normalizeErrors(list: unknown): WebhookErrorEntry[] | null {
  if (!Array.isArray(list)) return null;
  return list.flatMap((entry): WebhookErrorEntry[] => {
    const parsed = WebhookErrorSchema.safeParse(entry);
    if (!parsed.success) return [];
    const e = parsed.data;
    const code = typeof e.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : e.code;
    return [
      {
        code: typeof code === 'number' ? code : null,
        title: e.title ?? null,
        message: e.message ?? null,
        details: e.error_data?.details ?? e.details ?? null,
      },
    ];
  });
}

/** The array at `value[key]`: `[]` when absent, null when present but not an array. */
function arrayAt(value: Obj, key: string): unknown[] | null {
  const v = value[key];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : null;
}

/** Matches a message to its sender in `contacts[]`: by wa_id, then BSUID, then the only contact. */
function findContact(contacts: Contact[], from: string | undefined, fromUserId: string | undefined) {
  const byWaId = from ? contacts.find((c) => c.wa_id === from) : undefined;
  const byUserId = fromUserId ? contacts.find((c) => c.user_id === fromUserId) : undefined;
  return byWaId ?? byUserId ?? (contacts.length === 1 ? contacts[0] : undefined);
}

function toContact(c: Contact | undefined): WebhookContact | null {
  if (!c || (!c.wa_id && !c.user_id)) return null;
  return { waId: c.wa_id ?? '', name: nonEmpty(c.profile?.name), userId: nonEmpty(c.user_id) };
}

interface ChangeScope {
  wabaId: string | null;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  contacts: Contact[];
  /** Paths (from the body's root) where the text had to be made storable. */
  sanitized: string[];
  /** The change's `value` path, e.g. `entry[0].changes[1].value`. */
  valuePath: string;
}

/** The sanitized paths under `base`, relative to it (`text.body`). */
function pathsUnder(paths: string[], base: string): string[] {
  return paths.flatMap((p) =>
    p.startsWith(`${base}.`) || p.startsWith(`${base}[`) ? [p.slice(base.length).replace(/^\./, '')] : [],
  );
}

function parseMessage(raw: unknown, path: string, scope: ChangeScope): WebhookItem {
  const parsed = WebhookMessageBaseSchema.safeParse(raw);
  if (!parsed.success || !isObj(raw))
    return invalid(parsed.success ? 'not an object' : describe(parsed.error), path, raw);
  const m = parsed.data;
  const matched = findContact(
    scope.contacts,
    nonEmpty(m.from) ?? undefined,
    nonEmpty(m.from_user_id) ?? undefined,
  );
  const contact = toContact(matched);
  const from =
    nonEmpty(m.from) ?? nonEmpty(m.from_user_id) ?? nonEmpty(contact?.waId) ?? contact?.userId ?? null;
  if (from === null)
    return invalid('from: is missing (no from, from_user_id or contact to attribute it to)', path, raw);
  const body = raw[m.type];
  const sanitized =
    scope.sanitized.length === 0
      ? []
      : [
          ...pathsUnder(scope.sanitized, path),
          ...pathsUnder(scope.sanitized, scope.valuePath).filter((p) => p.startsWith('contacts[')),
        ];
  return {
    kind: 'message',
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    displayPhoneNumber: scope.displayPhoneNumber,
    contact,
    message: {
      wamid: m.id,
      from,
      timestamp: toSeconds(m.timestamp),
      type: m.type,
      content: isObj(body) ? body : Array.isArray(body) ? { [m.type]: body } : {},
      context: m.context ?? null,
      referral: m.referral ?? null,
      errors: normalizeErrors(m.errors),
      raw,
      sanitized,
    },
  };
}

function parseStatus(raw: unknown, path: string, scope: ChangeScope): WebhookItem {
  const parsed = WebhookStatusSchema.safeParse(raw);
  if (!parsed.success || !isObj(raw))
    return invalid(parsed.success ? 'not an object' : describe(parsed.error), path, raw);
  const s = parsed.data;
  return {
    kind: 'status',
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    status: {
      wamid: s.id,
      status: s.status,
      timestamp: toSeconds(s.timestamp),
      recipientId: nonEmpty(s.recipient_id) ?? nonEmpty(s.recipient_user_id),
      bizOpaqueCallbackData: s.biz_opaque_callback_data ?? null,
      errors: normalizeErrors(raw.errors),
      conversation: s.conversation ?? null,
      pricing: s.pricing ?? null,
      raw,
    },
  };
}

/** A `messages` change: every message, status and value-level error, in that order. */
function parseMessagesChange(
  value: unknown,
  wabaId: string | null,
  path: string,
  sanitized: string[],
): WebhookItem[] {
  if (!isObj(value)) return [invalid('value: must be an object', `${path}.value`, value)];
  const out: WebhookItem[] = [];
  const lists = {
    messages: arrayAt(value, 'messages'),
    statuses: arrayAt(value, 'statuses'),
    errors: arrayAt(value, 'errors'),
  };
  for (const [key, list] of Object.entries(lists)) {
    if (list === null) out.push(invalid(`${key}: must be an array`, `${path}.value.${key}`, value[key]));
  }
  const messages = lists.messages ?? [];
  const statuses = lists.statuses ?? [];
  const meta = WebhookMetadataSchema.safeParse(value.metadata);
  if (!meta.success && messages.length + statuses.length > 0) {
    out.push(invalid(`metadata: ${describe(meta.error)}`, `${path}.value.metadata`, value.metadata));
  } else if (meta.success) {
    const scope: ChangeScope = {
      wabaId,
      phoneNumberId: meta.data.phone_number_id,
      displayPhoneNumber: nonEmpty(meta.data.display_phone_number),
      contacts: (arrayAt(value, 'contacts') ?? []).flatMap((c) => {
        const r = WebhookContactSchema.safeParse(c);
        return r.success ? [r.data] : [];
      }),
      sanitized,
      valuePath: `${path}.value`,
    };
    messages.forEach((m, k) => out.push(parseMessage(m, `${path}.value.messages[${k}]`, scope)));
    statuses.forEach((s, k) => out.push(parseStatus(s, `${path}.value.statuses[${k}]`, scope)));
  }
  const errors = normalizeErrors(lists.errors) ?? [];
  if (errors.length > 0) {
    out.push({
      kind: 'account_error',
      wabaId,
      phoneNumberId: meta.success ? meta.data.phone_number_id : null,
      errors,
    });
  }
  if (out.length === 0) out.push({ kind: 'field', wabaId, field: 'messages', value });
  return out;
}

function parseEntry(entry: unknown, path: string, sanitized: string[]): WebhookItem[] {
  if (!isObj(entry)) return [invalid('entry: must be an object', path, entry)];
  const id = entry.id;
  const wabaId = typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : null;
  if (!Array.isArray(entry.changes))
    return [invalid('changes: must be an array', `${path}.changes`, entry.changes)];
  return entry.changes.flatMap((change, j): WebhookItem[] => {
    const cpath = `${path}.changes[${j}]`;
    if (!isObj(change) || typeof change.field !== 'string' || change.field === '') {
      return [invalid('field: is missing', cpath, change)];
    }
    if (change.field !== 'messages')
      return [{ kind: 'field', wabaId, field: change.field, value: change.value }];
    return parseMessagesChange(change.value, wabaId, cpath, sanitized);
  });
}

/**
 * Normalizes a decoded webhook body into items: every entry, every change, every message, status and
 * error — never just the first. Pure and total: it never throws; anything malformed becomes an `invalid`
 * item with a path and a reason while the well-formed rest of the batch is still returned. `sanitized` lists
 * the paths {@link parseRawWebhook} had to make storable; each message carries the ones under it.
 */
export function parseWebhook(body: unknown, sanitized: string[] = []): WebhookItem[] {
  try {
    if (!isObj(body)) return [invalid('body: must be a JSON object', '', body)];
    if (body.object !== WHATSAPP_WEBHOOK_OBJECT) {
      const got = body.object === undefined ? 'is missing' : `is ${JSON.stringify(body.object)}`;
      return [invalid(`object: ${got}, expected "${WHATSAPP_WEBHOOK_OBJECT}"`, 'object', body)];
    }
    if (!Array.isArray(body.entry)) return [invalid('entry: must be an array', 'entry', body.entry)];
    return body.entry.flatMap((entry, i) => parseEntry(entry, `entry[${i}]`, sanitized));
  } catch (error) {
    return [invalid(`parser error: ${error instanceof Error ? error.message : String(error)}`, '', body)];
  }
}

/**
 * Parses the raw bytes of a webhook POST (decoded as UTF-8). Malformed JSON yields one `invalid` item whose
 * `raw` is the start of the text (at most 1,000 characters).
 */
export function parseRawWebhook(bytes: Buffer): WebhookItem[] {
  const text = bytes.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return [invalid(`malformed JSON: ${why}`, '', text.slice(0, MAX_RAW_TEXT))];
  }
  // PostgreSQL cannot store U+0000 (text, jsonb) or lone surrogates (jsonb): they are replaced by U+FFFD here,
  // at the boundary, so one such character costs nothing but itself (the message records where). Decoded
  // UTF-8 never holds either, so only bodies with a `\u0000` or surrogate escape are walked.
  if (!MAYBE_UNSTORABLE.test(text)) return parseWebhook(body);
  const storable = storableJson(body);
  return parseWebhook(storable.value, storable.sanitized);
}
