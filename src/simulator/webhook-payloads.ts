/**
 * Webhook updates and the envelope Meta wraps them in (reference §3.2): `object` / `entry[id = WABA]` /
 * `changes[{value, field}]`. Several updates of one WABA can share a POST (batching fault): statuses of one
 * number merge into one `statuses[]`, inbound messages into one `messages[]` with de-duplicated `contacts[]`.
 */

/** `value.metadata` of a messages-field change. */
export interface WebhookMetadata {
  display_phone_number: string;
  phone_number_id: string;
}

interface UpdateBase {
  wabaId: string;
  /** Ordering key: updates with the same key are delivered in order unless reordering is injected. */
  key: string;
}

/** One thing that happened, waiting to be delivered. */
export type WebhookUpdate =
  | (UpdateBase & { kind: 'status'; metadata: WebhookMetadata; status: Record<string, unknown> })
  | (UpdateBase & {
      kind: 'message';
      metadata: WebhookMetadata;
      contact?: { profile: { name: string }; wa_id: string };
      message: Record<string, unknown>;
    })
  | (UpdateBase & {
      kind: 'field';
      field: string;
      value: Record<string, unknown>;
      /** Management fields carry an integer `entry[].time` (reference §3.2). */
      entryTime?: number;
    });

/** The POST body. */
export interface WebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: { id: string; time?: number; changes: { value: Record<string, unknown>; field: string }[] }[];
}

type MessagesValue = {
  messaging_product: 'whatsapp';
  metadata: WebhookMetadata;
  contacts?: { profile: { name: string }; wa_id: string }[];
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
};

/** Builds the envelope for a batch of updates (all of one WABA when batching, so one entry in practice). */
export function buildEnvelope(updates: readonly WebhookUpdate[]): WebhookEnvelope {
  const entries = new Map<string, WebhookEnvelope['entry'][number]>();
  const merged = new Map<string, MessagesValue>();
  for (const u of updates) {
    let entry = entries.get(u.wabaId);
    if (!entry) {
      entry = { id: u.wabaId, changes: [] };
      entries.set(u.wabaId, entry);
    }
    if (u.kind === 'field') {
      if (u.entryTime !== undefined) entry.time ??= u.entryTime;
      entry.changes.push({ value: u.value, field: u.field });
      continue;
    }
    const mergeKey = `${u.wabaId}\u0000${u.metadata.phone_number_id}\u0000${u.kind}`;
    let value = merged.get(mergeKey);
    if (!value) {
      value = { messaging_product: 'whatsapp', metadata: u.metadata };
      merged.set(mergeKey, value);
      entry.changes.push({ value, field: 'messages' });
    }
    if (u.kind === 'status') {
      (value.statuses ??= []).push(u.status);
    } else {
      if (u.contact) {
        const contacts = (value.contacts ??= []);
        if (!contacts.some((c) => c.wa_id === u.contact?.wa_id)) contacts.push(u.contact);
      }
      (value.messages ??= []).push(u.message);
    }
  }
  return { object: 'whatsapp_business_account', entry: [...entries.values()] };
}
