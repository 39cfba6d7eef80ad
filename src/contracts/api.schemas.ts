import { z } from 'zod';
import { ATTRIBUTE_LIMITS, INT4_MAX, freeJsonObject } from './free-json.schemas.ts';
import { ActivityTierSchema } from './condition.schemas.ts';

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
  messagingLimit: z.number().int().min(1).max(INT4_MAX).nullable().optional(),
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
  /** When the Graph API last confirmed the token reaches this number on this WABA; null if never checked. */
  verifiedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Messaging limit tier as WhatsApp reports it (`TIER_1K`, `TIER_UNLIMITED`, …); null until read. */
  messagingTier: z.string().nullable(),
  /** Throughput level as WhatsApp reports it (`STANDARD`, `HIGH`); null until read. */
  throughputLevel: z.string().nullable(),
  /** The last `phone_number_quality_update` event (FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, …). */
  qualityEvent: z.string().nullable(),
  /** The last `account_update` event of the number's WABA (ACCOUNT_RESTRICTION, …). */
  accountEvent: z.string().nullable(),
  /** When any of the health fields last changed. */
  healthUpdatedAt: z.string().nullable(),
  /** When this app last subscribed to the WABA's webhooks through Tsunagi; null if never. */
  webhooksSubscribedAt: z.string().nullable(),
});
export type PhoneNumberDto = z.infer<typeof PhoneNumberSchema>;

/**
 * What to paste into Meta's app settings (WhatsApp → Configuration) so webhooks reach this Tsunagi: the callback
 * URL and the verify token. `verifyToken` is null when `WHATSAPP_VERIFY_TOKEN` is not set (then Meta's check
 * cannot pass); `appSecretConfigured` says whether webhook signatures can be checked.
 */
export const WhatsAppSetupSchema = z.object({
  webhookUrl: z.string(),
  verifyToken: z.string().nullable(),
  appSecretConfigured: z.boolean(),
  /** True when Tsunagi talks to its built-in simulator rather than Meta. */
  simulator: z.boolean(),
  /** False when the webhook URL is not https (Meta only calls https URLs). */
  webhookUrlPublic: z.boolean(),
});
export type WhatsAppSetupDto = z.infer<typeof WhatsAppSetupSchema>;

/** The outcome of subscribing this app to a number's WABA webhooks. */
export const WebhookSubscriptionSchema = z.object({
  subscribed: z.boolean(),
  /** Names of the apps subscribed to the WABA, as the Graph API lists them. */
  apps: z.array(z.string()),
  number: PhoneNumberSchema,
});
export type WebhookSubscriptionDto = z.infer<typeof WebhookSubscriptionSchema>;

/** A test message: Meta's approved `hello_world` template (or another approved template) to one phone number. */
export const TestMessageInputSchema = z.object({
  to: z.string().min(3).max(40).describe('Recipient phone number with country code, e.g. +819012345678'),
  templateName: z.string().min(1).max(512).default('hello_world'),
  languageCode: z.string().min(2).max(15).default('en_US'),
});

/** The queued test message: follow it like any message (`GET /api/v1/messages/{id}`). */
export const TestMessageResultSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  status: z.string(),
});
export type TestMessageResultDto = z.infer<typeof TestMessageResultSchema>;

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
  tags: z.array(z.string()),
  /** Activity tier from inbound messages, recomputed hourly (null: no tier applies, or not computed yet). */
  activityTier: ActivityTierSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Present when the contact was merged into another one (the survivor): such a contact is hidden from lists. */
  mergedIntoId: z.string().optional(),
  /** When the contact was archived as inactive (absent when it is not). */
  archivedAt: z.string().optional(),
});
export type ContactDto = z.infer<typeof ContactSchema>;

export const ContactInputSchema = z.object({
  phone: z.string().min(3).max(32).describe('Phone number, E.164 preferred (+819012345678)'),
  name: z.string().max(200).nullable().optional(),
  attributes: freeJsonObject(ATTRIBUTE_LIMITS)
    .optional()
    .describe('Free-form: at most 10 levels deep, 1,000 keys and items, strings of 10,000 characters'),
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
  teamId: z.string().nullable(),
  waitingSince: z
    .string()
    .nullable()
    .describe('When the oldest customer message not yet answered by the business arrived; null if none'),
  phoneNumber: z.object({ displayPhoneNumber: z.string(), label: z.string().nullable() }).optional(),
  automationPaused: z
    .enum(['handoff', 'loop_guard'])
    .nullable()
    .describe('Why automation stopped answering in this conversation (a person handles it), or null'),
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

/** `GET /api/v1/simulator/access`: how the customer-phone page reaches the built-in simulator's control API. */
export const SimulatorAccessSchema = z.object({
  /** Where the control API is mounted (`/simulator/control`). */
  controlUrl: z.string(),
  /** Sent as `Authorization: Bearer <token>` (or `?token=` on the event stream). */
  token: z.string(),
});
export type SimulatorAccess = z.infer<typeof SimulatorAccessSchema>;

export const ContactListQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      'Every word matches the name or WhatsApp profile name by script or reading (山田, やまだ, ﾔﾏﾀﾞ, yamada), or the number in any format',
    ),
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only archived contacts (hidden from the default list)'),
});
export const ContactPageSchema = pageOf(ContactSchema);

/** Contacts that may be the same person as a given one, with why. */
export const ContactDuplicatesSchema = z.object({
  data: z.array(
    z.object({
      contact: ContactSchema,
      reasons: z.array(z.enum(['same_number', 'same_name_reading'])),
    }),
  ),
});
export type ContactDuplicatesDto = z.infer<typeof ContactDuplicatesSchema>;

export const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);

export const ConversationListQuerySchema = PageQuerySchema.extend({
  view: z
    .enum(['mine', 'unassigned', 'all'])
    .optional()
    .describe('mine: assigned to the signed-in user; unassigned; all (default)'),
  teamId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(50).optional().describe('Only conversations whose contact has this tag'),
  contactId: z.uuid().optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Search, every word: contact name or WhatsApp name by script or reading, phone in any format, or message text by script or reading (へんぴん finds 返品)',
    ),
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
  teamId: z.uuid().nullable().optional().describe('A team of the workspace, or null'),
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
    // Campaign releases key their messages `campaign:<campaign>:<contact>:<attempt>`; a client must not take one.
    .refine(
      (key) => !key.startsWith('campaign:') && !key.startsWith('reminder:'),
      'Idempotency keys starting with "campaign:" or "reminder:" are reserved',
    )
    .optional()
    .describe(
      'Retries with the same key and body return the first result ("campaign:…" and "reminder:…" are reserved)',
    ),
});

const ERROR_MEANINGS = {
  400: 'Invalid request (validation_failed, invalid_json, invalid_condition, attribute_invalid)',
  401: 'Not authenticated (unauthenticated, invalid_credentials, sign_in_required)',
  403: 'Not allowed (forbidden, csrf_failed, wrong_current_password)',
  404: 'Not found in this workspace (not_found)',
  409: 'Conflicts with an existing resource (conflict, number_taken, last_owner)',
  422: 'Refused by a business rule (window_closed, idempotency_key_reused, invalid_recipient, invalid_assignee, number_token_invalid, number_waba_mismatch, template_invalid, template_not_editable, …)',
  429: 'Too many attempts (too_many_attempts, rate_limited): wait Retry-After seconds',
  502: 'The WhatsApp Cloud API failed or could not be reached (whatsapp_error, number_unreachable)',
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

/** A tag name: trimmed, 1–50 characters, no control characters; compared case-sensitively as typed. */
export const TagNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');
export const TagParamsSchema = z.object({ id: z.uuid(), tag: TagNameSchema });
export const TagListSchema = z.object({ data: z.array(z.object({ name: z.string(), count: z.number() })) });

export const NoteInputSchema = z.object({ body: z.string().trim().min(1).max(4000) });
export const ContactNoteSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  authorUserId: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
});
export const ContactNoteListSchema = z.object({ data: z.array(ContactNoteSchema) });

export const ActivitySchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  kind: z.enum(['note', 'assigned', 'team', 'status', 'priority', 'automation']),
  authorUserId: z.string().nullable(),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type ActivityDto = z.infer<typeof ActivitySchema>;
export const ActivityPageSchema = pageOf(ActivitySchema);

export const RoleSchema = z.enum(['owner', 'admin', 'agent', 'analyst']);
export type MemberRoleDto = z.infer<typeof RoleSchema>;
export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  deactivatedAt: z.string().nullable(),
  availability: z.enum(['online', 'away', 'offline']).describe('As the user last set it'),
  online: z.boolean().describe('Available for automatic assignment: online and seen in the last 2 minutes'),
  lastSeenAt: z.string().nullable(),
});
export const UserListSchema = z.object({ data: z.array(UserSchema) });
export const UserUpdateSchema = z.object({
  role: RoleSchema.optional(),
  deactivated: z.boolean().optional().describe('true: the user can no longer sign in; false: reactivate'),
});

export const InvitationInputSchema = z.object({
  email: z.email().max(320),
  role: RoleSchema.exclude(['owner']),
  name: z.string().trim().min(1).max(200).optional(),
});
export const InvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: RoleSchema,
  url: z.string().describe('The one-time link to send to the invitee (shown once)'),
  expiresAt: z.string(),
});
/** A pending invitation (not accepted, not expired). Its link is not stored (only its hash): reissue to copy one. */
export const PendingInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: RoleSchema,
  invitedBy: z.string().nullable().describe('User id of who invited'),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export const PendingInvitationListSchema = z.object({ data: z.array(PendingInvitationSchema) });
export type PendingInvitationDto = z.infer<typeof PendingInvitationSchema>;

export const InvitationPreviewSchema = z.object({
  email: z.string(),
  workspaceName: z.string(),
  role: RoleSchema,
  existingAccount: z
    .boolean()
    .describe('The e-mail already has an account: sign in as it, then accept (no name or password)'),
});
export const AcceptInvitationSchema = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().min(1).max(200).optional().describe('New accounts only'),
  password: z.string().min(10).max(1024).optional().describe('New accounts only (at least 10 characters)'),
});

export const TeamSchema = z.object({ id: z.string(), name: z.string(), memberIds: z.array(z.string()) });
export const TeamListSchema = z.object({ data: z.array(TeamSchema) });
export const TeamInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  memberIds: z.array(z.uuid()).max(500).default([]),
});
export const TeamUpdateSchema = z.object({
  name: TeamInputSchema.shape.name.optional(),
  memberIds: z.array(z.uuid()).max(500).optional(),
});

export const QuickReplySchema = z.object({
  id: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
});
export const QuickReplyListSchema = z.object({ data: z.array(QuickReplySchema) });
export const QuickReplyInputSchema = z.object({
  shortcut: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, _ and - only (typed after a slash)'),
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(4096),
});
export const QuickReplyUpdateSchema = QuickReplyInputSchema.partial();

export const MediaUploadSchema = z.object({
  id: z.string().describe('The WhatsApp media id, for {type:"image", image:{id}} and the like'),
  mimeType: z.string(),
  filename: z.string(),
  size: z.number(),
});

export const ConnectionTestSchema = z.object({
  ok: z.boolean(),
  displayPhoneNumber: z.string().optional(),
  verifiedName: z.string().optional(),
  qualityRating: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const BusinessProfileSchema = z.object({
  about: z.string().max(139).optional(),
  address: z.string().max(256).optional(),
  description: z.string().max(512).optional(),
  email: z.string().max(128).optional(),
  websites: z
    .array(z.url({ protocol: /^https?$/ }).max(256))
    .max(2)
    .optional(),
  vertical: z.string().max(40).optional(),
});

export const MeSchema = z.object({
  workspaceId: z.string(),
  role: RoleSchema,
  kind: z.enum(['session', 'api_key']),
  userId: z.string().nullable(),
  csrfToken: z.string().nullable(),
  user: z
    .object({ id: z.string(), email: z.string(), name: z.string(), locale: z.string().nullable() })
    .nullable(),
  workspace: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: RoleSchema })),
});
export const MeUpdateSchema = z.object({
  locale: z.enum(['ja', 'en']).nullable().optional(),
  name: z.string().trim().min(1).max(200).optional(),
});
export const SwitchWorkspaceSchema = z.object({ workspaceId: z.uuid() });
