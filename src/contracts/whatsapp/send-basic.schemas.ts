import { z } from 'zod';
import {
  SEND_LIMITS,
  coordinate,
  idString,
  limitedText,
  mediaObject,
  requiredText,
} from './send-common.schemas.ts';

/** `type: "text"` (reference §1.2): body ≤4096, optional link preview of the first URL. */
export const TextContentSchema = z.object({
  type: z.literal('text'),
  text: z.object({
    body: limitedText('text.body', SEND_LIMITS.textBody),
    preview_url: z.boolean({ error: 'text.preview_url must be a boolean' }).optional(),
  }),
});

/** `type: "image"`: id or link, optional caption. */
export const ImageContentSchema = z.object({ type: z.literal('image'), image: mediaObject('image') });
/** `type: "video"`: id or link, optional caption. */
export const VideoContentSchema = z.object({ type: z.literal('video'), video: mediaObject('video') });
/** `type: "audio"`: id or link, optional `voice: true` for a voice note; no caption. */
export const AudioContentSchema = z.object({ type: z.literal('audio'), audio: mediaObject('audio') });
/** `type: "document"`: id or link, optional caption and filename. */
export const DocumentContentSchema = z.object({
  type: z.literal('document'),
  document: mediaObject('document'),
});
/** `type: "sticker"`: id or link (WebP); no caption. */
export const StickerContentSchema = z.object({ type: z.literal('sticker'), sticker: mediaObject('sticker') });

/** `type: "location"` (§1.4): coordinates as numbers or numeric strings; name/address optional. */
export const LocationContentSchema = z.object({
  type: z.literal('location'),
  location: z.object({
    latitude: coordinate('location.latitude', 90),
    longitude: coordinate('location.longitude', 180),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
});

const labelled = z.looseObject({ type: z.string().optional() });

/**
 * One contact card (§1.5). Only `name.formatted_name` is required; the sub-objects are loose so optional
 * fields Meta adds later are forwarded rather than dropped.
 */
export const ContactCardSchema = z.looseObject({
  name: z.looseObject({
    formatted_name: requiredText('contacts[].name.formatted_name'),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    middle_name: z.string().optional(),
    suffix: z.string().optional(),
    prefix: z.string().optional(),
  }),
  birthday: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'contacts[].birthday must be YYYY-MM-DD')
    .optional(),
  addresses: z.array(labelled).optional(),
  emails: z.array(labelled.extend({ email: z.string().optional() })).optional(),
  org: z.looseObject({}).optional(),
  phones: z.array(labelled.extend({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
  urls: z.array(labelled.extend({ url: z.string().optional() })).optional(),
});

/** `type: "contacts"`: 1–257 cards. */
export const ContactsContentSchema = z.object({
  type: z.literal('contacts'),
  contacts: z
    .array(ContactCardSchema)
    .min(1, 'contacts must contain at least one card')
    .max(
      SEND_LIMITS.contactsPerMessage,
      `contacts must contain at most ${SEND_LIMITS.contactsPerMessage} cards`,
    ),
});

/** `type: "reaction"` (§1.6): an empty `emoji` removes a previous reaction. Cannot carry `context`. */
export const ReactionContentSchema = z.object({
  type: z.literal('reaction'),
  reaction: z.object({
    message_id: idString('reaction.message_id'),
    emoji: z.string({ error: 'reaction.emoji must be a string (empty removes the reaction)' }),
  }),
});
