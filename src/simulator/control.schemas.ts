import { z } from 'zod';
import { TEMPLATE_STATUSES, templateCreateSchema } from './templates.schemas.ts';

/**
 * Bodies and query strings of the simulator's control API (`/control/*`), the surface tests, benchmarks and the
 * phone UI drive the fake customers with. Strict objects, so a typo in a test fails loudly.
 */

const phoneDigits = z
  .string()
  .transform((s) => s.replace(/[\s+\-()]/g, ''))
  .pipe(z.string().regex(/^\d{5,15}$/, 'must be a phone number (5–15 digits)'));

const id = z.string().min(1).max(64);

export const numberBodySchema = z.strictObject({
  phoneNumberId: id,
  displayPhoneNumber: z.string().min(1).max(32),
  wabaId: id,
  accessToken: z.string().min(1),
  mps: z.number().int().positive().optional(),
  messagingLimit: z.number().int().positive().optional(),
});

/** Inbound message types of reference §3.5 the simulator can generate. */
export const INBOUND_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
  'edit',
  'revoke',
] as const;

/** The message in the webhook's own shape, without `from`, `id` and `timestamp` (the simulator assigns them). */
const inboundMessageSchema = z
  .looseObject({
    type: z.enum(INBOUND_TYPES),
    context: z.looseObject({}).optional(),
    referral: z.looseObject({}).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.type !== 'unsupported' && (m[m.type] === null || typeof m[m.type] !== 'object')) {
      ctx.addIssue({ code: 'custom', message: `message.${m.type} must be an object`, path: [m.type] });
    }
    if (m.type === 'text') {
      const text = m.text as { body?: unknown } | undefined;
      if (typeof text?.body !== 'string')
        ctx.addIssue({
          code: 'custom',
          message: 'message.text.body must be a string',
          path: ['text', 'body'],
        });
    }
  });

export const inboundBodySchema = z.strictObject({
  phoneNumberId: id,
  from: phoneDigits,
  name: z.string().min(1).max(256).optional(),
  message: inboundMessageSchema,
  /** Bytes for an inbound media message whose object has no `id`; stored and downloadable via the media API. */
  media: z
    .strictObject({
      base64: z.string().min(1),
      mimeType: z.string().min(1),
      filename: z.string().min(1).optional(),
    })
    .optional(),
});
export type InboundInput = z.input<typeof inboundBodySchema>;

const customerSchema = z.strictObject({
  waId: phoneDigits,
  name: z.string().min(1).max(256).optional(),
  status: z.enum(['known', 'unreachable']).default('known'),
  /** Accepted for symmetry with the other calls; reachability is a property of the user, not of a number. */
  phoneNumberId: id.optional(),
});
export const customersBodySchema = z.union([
  customerSchema,
  z.strictObject({ customers: z.array(customerSchema).min(1) }),
]);
export type CustomerInput = z.input<typeof customerSchema>;

export const optOutBodySchema = z.strictObject({
  phoneNumberId: id,
  waId: phoneDigits,
  category: z.literal('marketing').default('marketing'),
  /** `resume` undoes an earlier stop. */
  value: z.enum(['stop', 'resume']).default('stop'),
});
export type OptOutInput = z.input<typeof optOutBodySchema>;

export const readBodySchema = z.strictObject({ phoneNumberId: id, wamid: z.string().min(1) });

export const sentQuerySchema = z.strictObject({
  phoneNumberId: id.optional(),
  to: phoneDigits.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

export const violationsQuerySchema = z.strictObject({
  phoneNumberId: id.optional(),
  kind: z.string().optional(),
});

/** `GET /control/stream`: live changes, optionally of one number and/or one customer. */
export const streamQuerySchema = z.strictObject({
  phoneNumberId: id.optional(),
  customer: phoneDigits.optional(),
  /** The control token, for EventSource clients that cannot send an Authorization header. */
  token: z.string().optional(),
});

export const conversationsQuerySchema = z.strictObject({ phoneNumberId: id, customer: phoneDigits });

export const webhookLogQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const templateBodySchema = templateCreateSchema.extend({ wabaId: id });

export const templateStatusBodySchema = z.strictObject({
  wabaId: id,
  name: z.string().min(1),
  language: z.string().min(2),
  status: z.enum(TEMPLATE_STATUSES),
  /** For REJECTED (default INVALID_FORMAT) or a pause: the reason the webhook carries. */
  reason: z
    .string()
    .regex(/^[A-Z_]{1,40}$/)
    .optional(),
});

/** `POST /templates/quality`: a template's quality score changes (`message_template_quality_update`). */
export const templateQualityBodySchema = z.strictObject({
  wabaId: id,
  name: z.string().min(1),
  language: z.string().min(2),
  score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']),
});

/** `POST /templates/review`: how submissions are reviewed from now on (any subset). */
export const templateReviewBodySchema = z.strictObject({
  delayMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000)
    .optional(),
  rejectWords: z.array(z.string().min(1).max(100)).max(100).optional(),
  rejectReason: z
    .string()
    .regex(/^[A-Z_]{1,40}$/)
    .optional(),
  auto: z.boolean().optional(),
});

/** `POST /numbers/quality`: a quality change of a number, reported by `phone_number_quality_update`. */
export const numberQualityBodySchema = z.strictObject({
  phoneNumberId: id,
  event: z.string().regex(/^[A-Z_]{1,40}$/),
  qualityRating: z.enum(['GREEN', 'YELLOW', 'RED']).optional(),
  tier: z
    .string()
    .regex(/^TIER_[A-Z0-9_]{1,20}$/)
    .optional(),
});

export const webhookBodySchema = z.strictObject({
  url: z.url(),
  /** When given, the simulator performs Meta's GET verification handshake against the URL first. */
  verifyToken: z.string().min(1).optional(),
});
