import { z } from 'zod';
import {
  InboundButtonSchema,
  InboundContextSchema,
  InboundInteractiveSchema,
  InboundLocationSchema,
  InboundMediaSchema,
  InboundOrderSchema,
  InboundReactionSchema,
  InboundReferralSchema,
  InboundSystemSchema,
  InboundTextSchema,
} from './webhook-content.schemas.ts';

/**
 * Webhook payloads (reference §3.2, §3.5, §3.6). Every object is loose: unknown keys pass through, since
 * Meta adds fields (BSUIDs, usernames, group ids) without versioning. The element schemas are what the
 * parser checks each item against, one by one, so one bad item never hides the others.
 */

/** The `object` of every WhatsApp webhook. */
export const WHATSAPP_WEBHOOK_OBJECT = 'whatsapp_business_account';

/** Unix seconds: a digit string in `messages`/`statuses` (some fixtures and older payloads use numbers). */
const UNIX_SECONDS = 'must be unix seconds (a digit string or an integer)';
/** 9999-12-31T23:59:59Z: beyond it a timestamp is not a date any database or JavaScript can hold. */
const MAX_UNIX_SECONDS = 253_402_300_799;
export const WebhookTimestampSchema = z.union(
  [
    z
      .string()
      .regex(/^\d{1,12}$/, UNIX_SECONDS)
      .refine((v) => Number(v) <= MAX_UNIX_SECONDS, UNIX_SECONDS),
    z.number().int(UNIX_SECONDS).nonnegative(UNIX_SECONDS).max(MAX_UNIX_SECONDS, UNIX_SECONDS),
  ],
  { error: (iss) => (iss.input === undefined ? 'is missing' : UNIX_SECONDS) },
);

const requiredString = z
  .string({ error: (iss) => (iss.input === undefined ? 'is missing' : 'must be a string') })
  .min(1, 'must not be empty');

/**
 * Identifiers (wamids, phone numbers, phone number ids) are indexed: anything longer than any real one is
 * refused here, as an invalid item, rather than failing the database insert of a whole batch.
 */
const MAX_ID = 512;
const requiredId = requiredString.max(MAX_ID, `must be at most ${MAX_ID} characters`);
const optionalId = z.string().max(MAX_ID, `must be at most ${MAX_ID} characters`).optional();

/**
 * An error entry in `statuses[].errors`, `messages[].errors` or `value.errors` (§2.2). `title` equals
 * `message` in current payloads; `details` normally sits in `error_data.details` (some sources put it at the
 * top level).
 */
export const WebhookErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});

/** `value.contacts[]`: the sender's profile; `wa_id` may be absent or `""` for BSUID-only users. */
export const WebhookContactSchema = z.looseObject({
  wa_id: optionalId,
  user_id: optionalId,
  parent_user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

/** `value.metadata`: which business number the change is about. */
export const WebhookMetadataSchema = z.looseObject({
  display_phone_number: z.string().optional(),
  phone_number_id: requiredId,
});

/**
 * The fields every inbound message has (§3.5). `from` may be missing for BSUID-only senders, who are
 * identified by `from_user_id` (or only by the contact's `user_id`).
 */
export const WebhookMessageBaseSchema = z.looseObject({
  id: requiredId,
  from: optionalId,
  from_user_id: optionalId,
  timestamp: WebhookTimestampSchema,
  type: requiredString,
  context: z.looseObject({}).optional(),
  referral: z.looseObject({}).optional(),
  errors: z.array(z.unknown()).optional(),
});

/** An inbound message with its typed content objects (for producers such as the simulator). */
export const WebhookMessageSchema = WebhookMessageBaseSchema.extend({
  context: InboundContextSchema.optional(),
  referral: InboundReferralSchema.optional(),
  text: InboundTextSchema.optional(),
  image: InboundMediaSchema.optional(),
  video: InboundMediaSchema.optional(),
  audio: InboundMediaSchema.optional(),
  document: InboundMediaSchema.optional(),
  sticker: InboundMediaSchema.optional(),
  location: InboundLocationSchema.optional(),
  contacts: z.array(z.looseObject({})).optional(),
  reaction: InboundReactionSchema.optional(),
  button: InboundButtonSchema.optional(),
  interactive: InboundInteractiveSchema.optional(),
  order: InboundOrderSchema.optional(),
  system: InboundSystemSchema.optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
/** An inbound message as it appears in `value.messages[]`. */
export type WebhookMessage = z.infer<typeof WebhookMessageSchema>;

/**
 * `value.statuses[]` (§3.6): the fate of an outbound message. `conversation` is omitted from v24.0 (except in
 * free-entry-point windows); `pricing` appears on `sent` and one of `delivered`/`read`.
 */
export const WebhookStatusSchema = z.looseObject({
  id: requiredId,
  status: requiredString,
  timestamp: WebhookTimestampSchema,
  recipient_id: optionalId,
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(WebhookErrorSchema).optional(),
  conversation: z.looseObject({}).optional(),
  pricing: z.looseObject({}).optional(),
});
/** A status update. */
export type WebhookStatus = z.infer<typeof WebhookStatusSchema>;

/** The `value` of a `messages` change: metadata plus any of contacts, messages, statuses, errors. */
export const WebhookMessagesValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: WebhookMetadataSchema,
  contacts: z.array(WebhookContactSchema).optional(),
  messages: z.array(WebhookMessageSchema).optional(),
  statuses: z.array(WebhookStatusSchema).optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
/** The value of a `messages` change. */
export type WebhookMessagesValue = z.infer<typeof WebhookMessagesValueSchema>;

/** `entry[].changes[]`: `field` names the subscription; `value`'s shape depends on it (§3.7). */
export const WebhookChangeSchema = z.looseObject({ field: requiredString, value: z.unknown() });

/** `entry[]`: `id` is the WABA id; management fields carry an integer `time`. */
export const WebhookEntrySchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  time: z.number().optional(),
  changes: z.array(WebhookChangeSchema),
});

/** A whole webhook POST body (§3.2). Meta may batch up to 1,000 updates across entries and changes. */
export const WebhookPayloadSchema = z.looseObject({
  object: z.literal(WHATSAPP_WEBHOOK_OBJECT),
  entry: z.array(WebhookEntrySchema),
});
/** A webhook POST body. */
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;
