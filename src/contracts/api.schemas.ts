import { z } from 'zod';

/**
 * Tsunagi's own REST API contracts (camelCase JSON). Message bodies reuse the Cloud API's shape
 * (see `whatsapp/send.schemas.ts`), so anything Meta accepts can be sent through Tsunagi.
 */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const PhoneNumberInputSchema = z.object({
  phoneNumberId: z.string().regex(/^\d{1,32}$/, 'a numeric Cloud API phone number id'),
  displayPhoneNumber: z.string().min(3).max(32),
  wabaId: z.string().regex(/^\d{1,32}$/, 'a numeric WhatsApp Business Account id'),
  accessToken: z.string().min(1).max(4096),
  mps: z.number().int().min(1).max(1000).default(80),
  messagingLimit: z.number().int().min(1).nullable().optional(),
  label: z.string().max(100).nullable().optional(),
});
/**
 * A PATCH of a phone number: every field optional, and no defaults (a `.partial()` of the input schema would
 * keep `mps`'s default and silently reset the throughput on every PATCH). The Cloud API id cannot change.
 */
export const PhoneNumberUpdateSchema = z.object({
  displayPhoneNumber: PhoneNumberInputSchema.shape.displayPhoneNumber.optional(),
  wabaId: PhoneNumberInputSchema.shape.wabaId.optional(),
  accessToken: PhoneNumberInputSchema.shape.accessToken.optional(),
  mps: z.number().int().min(1).max(1000).optional(),
  messagingLimit: PhoneNumberInputSchema.shape.messagingLimit,
  label: PhoneNumberInputSchema.shape.label,
});

export const PhoneNumberSchema = z.object({
  id: z.string(),
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string(),
  wabaId: z.string(),
  label: z.string().nullable(),
  mps: z.number(),
  messagingLimit: z.number().nullable(),
  qualityRating: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PhoneNumberDto = z.infer<typeof PhoneNumberSchema>;

export const ContactSchema = z.object({
  id: z.string(),
  waId: z.string(),
  phone: z.string().nullable(),
  name: z.string().nullable(),
  profileName: z.string().nullable(),
  country: z.string().nullable(),
  timezone: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  consentState: z.enum(['unknown', 'opted_in', 'opted_out']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactDto = z.infer<typeof ContactSchema>;

export const ContactInputSchema = z.object({
  phone: z.string().min(3).max(32).describe('Phone number, E.164 preferred (+819012345678)'),
  name: z.string().max(200).nullable().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  consentState: z.enum(['unknown', 'opted_in', 'opted_out']).optional(),
});
export const ContactUpdateSchema = ContactInputSchema.partial().omit({ phone: true });

export const ConversationStatusSchema = z.enum(['open', 'pending', 'snoozed', 'resolved']);

export const ConversationSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  phoneNumberId: z.string().describe("Tsunagi's phone number id (uuid)"),
  status: ConversationStatusSchema,
  assigneeId: z.string().nullable(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  snoozedUntil: z.string().nullable(),
  lastInboundAt: z.string().nullable(),
  lastMessageAt: z.string().nullable(),
  lastMessagePreview: z.string().nullable(),
  unreadCount: z.number(),
  windowOpen: z.boolean(),
  windowExpiresAt: z.string().nullable(),
  contact: ContactSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConversationDto = z.infer<typeof ConversationSchema>;

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  phoneNumberId: z.string(),
  contactId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  content: z.record(z.string(), z.unknown()),
  wamid: z.string().nullable(),
  status: z.enum(['received', 'queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed']),
  origin: z.enum(['customer', 'agent', 'automation', 'campaign', 'api']),
  error: z
    .object({ code: z.number().nullable(), title: z.string().nullable(), details: z.string().nullable() })
    .nullable(),
  /** Inbound media: whether its bytes are stored (download at `/api/v1/messages/{id}/media`). */
  mediaStatus: z.enum(['pending', 'stored', 'failed']).nullable(),
  timestamps: z.object({
    created: z.string(),
    whatsapp: z.string().nullable(),
    queued: z.string().nullable(),
    sent: z.string().nullable(),
    delivered: z.string().nullable(),
    read: z.string().nullable(),
    failed: z.string().nullable(),
  }),
});
export type MessageDto = z.infer<typeof MessageSchema>;

/** The `:id` path parameter of every resource route (Tsunagi ids are UUIDs). */
export const IdParamsSchema = z.object({ id: z.uuid() });

/** `?limit=&cursor=` of every paginated list. The cursor is opaque: pass back `nextCursor` unchanged. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).describe('Page size, 1–100 (default 25)'),
  cursor: z.string().min(1).max(512).optional().describe('The nextCursor of the previous page'),
});

/** A page of a list: `nextCursor` is null on the last page. */
function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}

export const PhoneNumberListSchema = z.object({ data: z.array(PhoneNumberSchema) });

export const ContactListQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Matches name, WhatsApp profile name, phone or wa_id (substring, case-insensitive)'),
});
export const ContactPageSchema = pageOf(ContactSchema);

export const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);

export const ConversationListQuerySchema = PageQuerySchema.extend({
  status: ConversationStatusSchema.optional(),
  assigneeId: z
    .union([z.uuid(), z.literal('none')])
    .optional()
    .describe('A user id, or "none" for unassigned conversations'),
  phoneNumberId: z.uuid().optional().describe("Tsunagi's phone number id (uuid)"),
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only conversations with unread messages; false: only fully read ones'),
});
export const ConversationPageSchema = pageOf(ConversationSchema);

/** PATCH of a conversation. `snoozed` needs `snoozedUntil`; leaving `snoozed` clears it. */
export const ConversationUpdateSchema = z.object({
  status: ConversationStatusSchema.optional(),
  assigneeId: z
    .uuid()
    .nullable()
    .optional()
    .describe('A member user id of the workspace, or null to unassign'),
  priority: PrioritySchema.optional(),
  snoozedUntil: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .describe('ISO 8601 instant in the future; required with status "snoozed"'),
});
export type ConversationUpdate = z.infer<typeof ConversationUpdateSchema>;

export const MessagePageSchema = pageOf(MessageSchema);

/**
 * Addressing fields of `POST /api/v1/messages`, next to the message content in the Cloud API's shape. The
 * Cloud API's own `messaging_product` and `recipient_type` are accepted (and ignored) so a body written for
 * Meta can be sent as is, plus `phoneNumberId`.
 */
export const SendTargetFieldsSchema = z.object({
  phoneNumberId: z
    .string()
    .min(1)
    .max(64)
    .describe("Tsunagi's phone number id (uuid) or the Cloud API phone number id"),
  to: z.string().min(3).max(40).describe('Recipient phone number with country code, e.g. +819012345678'),
  messaging_product: z.literal('whatsapp').optional(),
  recipient_type: z.literal('individual').optional(),
});

/**
 * Headers of a send. A loose object: the validated headers replace `req.headers`, so every other header
 * (authorization, X-CSRF-Token) must survive validation.
 */
export const SendHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Retries with the same key and body return the first result'),
});

const ERROR_MEANINGS = {
  400: 'Invalid request (validation_failed, invalid_json)',
  401: 'Not authenticated (unauthenticated)',
  403: 'Not allowed (forbidden, csrf_failed)',
  404: 'Not found in this workspace (not_found)',
  409: 'Conflicts with an existing resource (conflict)',
  422: 'Refused by a business rule (window_closed, idempotency_key_reused, invalid_recipient, invalid_assignee, …)',
} as const;

/**
 * OpenAPI response entries for the error statuses a route can answer (400, 401 and 403 always, plus the
 * given ones), all with the standard error body.
 */
export function errorResponses<S extends keyof typeof ERROR_MEANINGS>(
  ...statuses: S[]
): Record<400 | 401 | 403 | S, typeof ErrorBodySchema> {
  const all = new Set<keyof typeof ERROR_MEANINGS>([400, 401, 403, ...statuses]);
  return Object.fromEntries([...all].map((s) => [s, ErrorBodySchema.describe(ERROR_MEANINGS[s])])) as Record<
    400 | 401 | 403 | S,
    typeof ErrorBodySchema
  >;
}
