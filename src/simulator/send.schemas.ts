import { z } from 'zod';

/**
 * zod schemas for the message objects of `POST /{v}/{pnid}/messages` (reference §1.2–§1.7), carrying every
 * limit of §1.12 so a violation surfaces as a Graph error naming the field. Objects are loose: the Graph API
 * ignores fields it doesn't know, and so do we. Custom issues carry `params.graphCode` to pick the Graph code
 * (count/uniqueness problems are 131009, shape problems 100). Interactive objects live in
 * `interactive.schemas.ts`.
 */

/** Graph code attached to a custom issue. */
export const countIssue = { graphCode: 131009 } as const;

/** An absolute http(s) URL (Meta fetches `link` media and opens `cta_url` targets). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const httpUrl = z.string().refine(isHttpUrl, { message: 'must be a valid http(s) URL' });

/** Media object of a send: exactly one of `id` (uploaded media) or `link` (public URL). */
function mediaObject<T extends z.core.$ZodLooseShape>(extra: T) {
  return z
    .looseObject({ id: z.string().min(1).optional(), link: httpUrl.optional(), ...extra })
    .superRefine((m, ctx) => {
      if ((m.id === undefined) === (m.link === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must have exactly one of id or link',
          params: { graphCode: 100 },
        });
      }
    });
}

const caption = z.string().max(1024).optional();

export const imageSchema = mediaObject({ caption });
export const videoSchema = mediaObject({ caption });
export const documentSchema = mediaObject({ caption, filename: z.string().max(240).optional() });
export const audioSchema = mediaObject({ voice: z.boolean().optional() });
export const stickerSchema = mediaObject({});

export const textSchema = z.looseObject({
  body: z.string().min(1).max(4096),
  preview_url: z.boolean().optional(),
});

/** Coordinates arrive as numbers or numeric strings (Meta's own send docs show strings). */
const coordinate = (limit: number) =>
  z
    .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/)])
    .refine((v) => Math.abs(Number(v)) <= limit, {
      message: `must be between -${limit} and ${limit}`,
    });

export const locationSchema = z.looseObject({
  latitude: coordinate(90),
  longitude: coordinate(180),
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
});

const contactCard = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().min(1) }),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
  emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
  birthday: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

export const contactsSchema = z.array(contactCard).min(1).max(257);

export const reactionSchema = z.looseObject({
  message_id: z.string().min(1),
  /** Empty string removes a previous reaction. */
  emoji: z.string().max(16),
});

const templateParameter = z.looseObject({ type: z.string().min(1) });

const templateComponent = z.looseObject({
  type: z.string().min(1),
  sub_type: z.string().optional(),
  index: z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).optional(),
  parameters: z.array(templateParameter).optional(),
});

export const templateSchema = z.looseObject({
  name: z.string().min(1).max(512),
  language: z.looseObject({
    code: z.string().min(1),
    policy: z.literal('deterministic').optional(),
  }),
  components: z.array(templateComponent).optional(),
});
export type TemplateSend = z.infer<typeof templateSchema>;
export type TemplateSendComponent = z.infer<typeof templateComponent>;
export type TemplateSendParameter = z.infer<typeof templateParameter>;

/** Envelope fields every message send shares (§1.1). */
export const envelopeSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().min(1).max(256),
  type: z.string().min(1),
  context: z.looseObject({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

/** Mark-as-read (optionally with a typing indicator), same endpoint (§1.10). */
export const markReadSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.looseObject({ type: z.literal('text') }).optional(),
});
