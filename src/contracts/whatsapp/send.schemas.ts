import { z } from 'zod';
import {
  AudioContentSchema,
  ContactsContentSchema,
  DocumentContentSchema,
  ImageContentSchema,
  LocationContentSchema,
  ReactionContentSchema,
  StickerContentSchema,
  TextContentSchema,
  VideoContentSchema,
} from './send-basic.schemas.ts';
import { InteractiveContentSchema } from './send-interactive.schemas.ts';
import { COUNT_ISSUE, SEND_LIMITS, idString, limitedText } from './send-common.schemas.ts';
import { TemplateContentSchema } from './send-template.schemas.ts';

export { SEND_LIMITS, type MediaKind } from './send-common.schemas.ts';

const CONTENT_VARIANTS = [
  TextContentSchema,
  ImageContentSchema,
  VideoContentSchema,
  AudioContentSchema,
  DocumentContentSchema,
  StickerContentSchema,
  LocationContentSchema,
  ContactsContentSchema,
  ReactionContentSchema,
  TemplateContentSchema,
  InteractiveContentSchema,
] as const;

/** The message types Tsunagi can send, in the order of the content union. */
export const MESSAGE_TYPES = CONTENT_VARIANTS.map((v) => v.shape.type.value);

/**
 * What a message says, without who it goes to: `{ type, <type>: {...} }`. This is the body Tsunagi's own REST
 * API accepts for a message, validated against every documented Cloud API limit so a bad message is
 * rejected with a 4xx whose issue path and message name the field and the limit.
 */
export const MessageContentSchema = z.discriminatedUnion('type', CONTENT_VARIANTS, {
  error: (iss) =>
    iss.code === 'invalid_union' ? `type must be one of ${MESSAGE_TYPES.join(', ')}` : undefined,
});
/** A validated message content (output of {@link MessageContentSchema}). */
export type MessageContent = z.infer<typeof MessageContentSchema>;
/** The message types Tsunagi can send. */
export type MessageType = MessageContent['type'];

/**
 * Recipient: a phone number (`+`, digits, spaces, `-`, `(`, `)`; include the `+` and country code, see §1.1),
 * a business-scoped user id (BSUID, e.g. `US.13491208655302741918`) or a group id.
 */
const RecipientSchema = limitedText('to', SEND_LIMITS.recipient).regex(
  /^(\+?[\d\s().-]{3,40}|[A-Za-z0-9][A-Za-z0-9._:-]*)$/,
  'to must be a phone number with country code, a BSUID or a group id',
);

/** The addressing part of a send body (everything except the content). */
export const SendEnvelopeSchema = z.object({
  messaging_product: z.literal('whatsapp', { error: 'messaging_product must be "whatsapp"' }),
  recipient_type: z.enum(['individual', 'group']).optional(),
  to: RecipientSchema,
  context: z.object({ message_id: idString('context.message_id') }).optional(),
  biz_opaque_callback_data: limitedText(
    'biz_opaque_callback_data',
    SEND_LIMITS.bizOpaqueCallbackData,
  ).optional(),
});
/** A validated send envelope. */
export type SendEnvelope = z.infer<typeof SendEnvelopeSchema>;

/** Meta treats a body without `type` as a text message: adds `type: "text"` when there is a `text` object. */
export function defaultTypeToText<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return 'type' in value || !('text' in value) ? value : { ...value, type: 'text' };
}

/**
 * The full JSON body of `POST /{version}/{phone-number-id}/messages` for a message send (§1.1): envelope
 * (`messaging_product`, `recipient_type`, `to`, `context`, `biz_opaque_callback_data`) plus one content
 * variant. A body without `type` is a text message (Meta's default). Reactions cannot be contextual replies.
 * Used by the Graph client's callers and by the simulator.
 */
export const SendBodySchema = z.preprocess(
  defaultTypeToText,
  z.intersection(SendEnvelopeSchema, MessageContentSchema).superRefine((body, ctx) => {
    if (body.type === 'reaction' && body.context !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['context'],
        message: 'a reaction cannot be a contextual reply',
        params: COUNT_ISSUE,
      });
    }
  }),
);
/** A validated send body. */
export type SendBody = z.infer<typeof SendBodySchema>;

/** Options of {@link toSendBody}. */
export interface SendBodyOptions {
  /** wamid of the message to quote (contextual reply). Not allowed on reactions. */
  replyToWamid?: string;
  /** Echoed in every status webhook of this message; Tsunagi puts its message id here to reconcile. ≤512. */
  bizOpaqueCallbackData?: string;
  /** `group` for the Groups API; omitted means individual. */
  recipientType?: 'individual' | 'group';
}

/**
 * Builds the Cloud API send body for `content` addressed to `to`. Does not re-validate `content` (it comes
 * out of {@link MessageContentSchema}); throws a `RangeError` for a reaction with `replyToWamid`, which Meta
 * rejects.
 */
export function toSendBody(to: string, content: MessageContent, opts: SendBodyOptions = {}): SendBody {
  if (content.type === 'reaction' && opts.replyToWamid !== undefined) {
    throw new RangeError('a reaction cannot be a contextual reply');
  }
  return {
    messaging_product: 'whatsapp',
    ...(opts.recipientType !== undefined ? { recipient_type: opts.recipientType } : {}),
    to,
    ...(opts.replyToWamid !== undefined ? { context: { message_id: opts.replyToWamid } } : {}),
    ...(opts.bizOpaqueCallbackData !== undefined
      ? { biz_opaque_callback_data: opts.bizOpaqueCallbackData }
      : {}),
    ...content,
  };
}

/**
 * Mark-as-read (optionally with a typing indicator) on the same endpoint (§1.10). The typing indicator is
 * dismissed when the business replies or after 25 s.
 */
export const MarkReadBodySchema = z.object({
  messaging_product: z.literal('whatsapp', { error: 'messaging_product must be "whatsapp"' }),
  status: z.literal('read'),
  message_id: idString('message_id'),
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});
/** A validated mark-read body. */
export type MarkReadBody = z.infer<typeof MarkReadBodySchema>;
