/**
 * The normalized output of the webhook parser. The ingest pipeline consumes exactly these shapes; every
 * `raw` is the untouched source object so nothing Meta sent is lost by normalizing.
 */

/** One error entry of a status, an inbound message or a change value (reference §2.2). */
export interface WebhookErrorEntry {
  /** Graph error code (e.g. 131047); null when absent or not numeric. */
  code: number | null;
  title: string | null;
  message: string | null;
  /** `error_data.details` (or a top-level `details`): the human explanation. */
  details: string | null;
}

/** Status names Meta documents; unknown values are passed through for the ingest to ignore or log. */
export type WebhookStatusName =
  'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'deleted' | (string & {});

/** The sender's entry of `value.contacts[]`, matched to a message. */
export interface WebhookContact {
  /** Phone-based WhatsApp id; `''` for BSUID-only users (Meta sends `""` or omits it). */
  waId: string;
  /** Profile name; null when absent or empty. */
  name: string | null;
  /** Business-scoped user id (BSUID), when Meta sends one. */
  userId: string | null;
}

/** An inbound message (`value.messages[]`). */
export interface WebhookInboundMessage {
  wamid: string;
  /** The sender's wa_id; for BSUID-only senders (no phone number disclosed) their BSUID. */
  from: string;
  /** Unix seconds. */
  timestamp: number;
  /** Meta's `type` as sent (text, image, …, unsupported, or a type this code does not know yet). */
  type: string;
  /**
   * The object named after `type` (e.g. `{ body }` for text); `{}` if absent. When that field is an array
   * (`contacts`), it is wrapped as `{ contacts: [...] }`.
   */
  content: Record<string, unknown>;
  context: Record<string, unknown> | null;
  referral: Record<string, unknown> | null;
  errors: WebhookErrorEntry[] | null;
  raw: Record<string, unknown>;
  /**
   * Where text had to be replaced to be storable (U+0000 or a lone surrogate became U+FFFD): paths relative to
   * the message (`text.body`), and `contacts[i]…` for the sender's profile. Empty for nearly every message.
   */
  sanitized: string[];
}

/** A status update of an outbound message (`value.statuses[]`). */
export interface WebhookStatusUpdate {
  wamid: string;
  status: WebhookStatusName;
  /** Unix seconds. */
  timestamp: number;
  /** `recipient_id`, else `recipient_user_id` (BSUID sends), else null. */
  recipientId: string | null;
  /** Our id echoed back (we send Tsunagi's message id here): the key for reconciliation. */
  bizOpaqueCallbackData: string | null;
  errors: WebhookErrorEntry[] | null;
  conversation: Record<string, unknown> | null;
  pricing: Record<string, unknown> | null;
  raw: Record<string, unknown>;
}

/** One normalized item of a webhook POST. A body yields any number of them, in payload order. */
export type WebhookItem =
  | {
      kind: 'message';
      wabaId: string | null;
      phoneNumberId: string;
      displayPhoneNumber: string | null;
      contact: WebhookContact | null;
      message: WebhookInboundMessage;
    }
  | { kind: 'status'; wabaId: string | null; phoneNumberId: string; status: WebhookStatusUpdate }
  /** `value.errors[]` of a messages change: system/app/account-level problems (e.g. 130429, 0). */
  | {
      kind: 'account_error';
      wabaId: string | null;
      phoneNumberId: string | null;
      errors: WebhookErrorEntry[];
    }
  /** A non-`messages` field (template status, user_preferences, account_update, …), or a messages change
   * with no messages, statuses or errors. */
  | { kind: 'field'; wabaId: string | null; field: string; value: unknown }
  /** Anything malformed: `path` locates it (e.g. `entry[0].changes[1].value.messages[2]`), `reason` says why. */
  | { kind: 'invalid'; reason: string; path: string; raw: unknown };

/** The `invalid` member of {@link WebhookItem}. */
export type InvalidWebhookItem = Extract<WebhookItem, { kind: 'invalid' }>;
