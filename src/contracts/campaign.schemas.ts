/**
 * REST DTOs of broadcast campaigns (`/api/v1/campaigns`) and their price table (`/api/v1/campaign-prices`). The
 * same schemas parse the campaign documents stored as jsonb, so what the API accepted is what the planner reads.
 */
import { z } from 'zod';
import { ConditionNodeSchema } from './condition.schemas.ts';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** Whether a destination may be redirected to: an absolute http or https URL (no javascript:, data:, …). */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The destination of a tracked link: an absolute http(s) URL, checked when the campaign is saved. */
export const HttpUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine(isHttpUrl, 'must be an absolute http:// or https:// URL');

const FieldSource = z.object({
  kind: z.literal('field'),
  field: z.enum(['name', 'profile_name', 'phone', 'country']),
});
const AttributeSource = z.object({ kind: z.literal('attribute'), key: z.string().min(1).max(100) });
const LiteralSource = z.object({ kind: z.literal('literal'), value: z.string().min(1).max(1024) });
/** The recipient's short link to `url` (`<public origin>/r/<code>`): clicks are counted per recipient. */
const LinkSource = z.object({ kind: z.literal('link'), url: HttpUrlSchema });
/** A column of the audience's CSV import (by its header), for campaigns whose audience is `{ importId }`. */
const CsvSource = z.object({ kind: z.literal('csv'), column: z.string().trim().min(1).max(200) });

/** Where a template variable's value comes from, with the text used when the contact has none. */
export const VariableSourceSchema = z.discriminatedUnion('kind', [
  FieldSource,
  AttributeSource,
  LiteralSource,
  LinkSource,
  CsvSource,
]);
export type VariableSource = z.infer<typeof VariableSourceSchema>;
/**
 * Where a header text variable, a URL button's suffix or a quick-reply payload comes from: any source but a
 * tracked link (a tracked URL button is `{ index, url }`; a short link in a header or a payload is not a link).
 */
export const PlainSourceSchema = z.discriminatedUnion('kind', [
  FieldSource,
  AttributeSource,
  LiteralSource,
  CsvSource,
]);
/** One body variable: positional by its order, or named (`parameter_name`) when `name` is given. */
export const TemplateVariableSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,59}$/)
    .optional(),
  source: VariableSourceSchema,
  fallback: z.string().min(1).max(1024),
});
/** A value filled per recipient from a source, with the text used when the contact has none. */
export const SourcedValueSchema = z.object({
  source: PlainSourceSchema,
  fallback: z.string().min(1).max(1024),
});

/**
 * The media of a template's IMAGE, VIDEO or DOCUMENT header: a file uploaded through `POST /api/v1/media` (the id
 * it answered; uploaded again per sending number at send time) or a public https link. `filename` is the file's
 * name as uploaded: the console shows it, and a document header is sent with it (the name the recipient sees).
 */
export const TemplateMediaHeaderSchema = z
  .object({
    type: z.enum(['image', 'video', 'document']),
    mediaId: z.string().trim().min(1).max(200).optional(),
    link: HttpUrlSchema.refine((u) => u.startsWith('https://'), 'an https:// URL').optional(),
    filename: z.string().trim().min(1).max(240).optional(),
  })
  .strict()
  .refine(
    (h) => (h.mediaId === undefined) !== (h.link === undefined),
    'give exactly one of mediaId and link',
  );
/**
 * The variable of a template's TEXT header (`Our {{1}} is on!`; at most one per header): filled per recipient like
 * a body variable, at most 60 characters. `variable.name` is the placeholder's name for named templates.
 */
export const TemplateTextHeaderSchema = z
  .object({
    type: z.literal('text'),
    variable: SourcedValueSchema.extend({ name: TemplateVariableSchema.shape.name }),
  })
  .strict();
/** A campaign template's header: media for an IMAGE, VIDEO or DOCUMENT header, or a TEXT header's variable. */
export const TemplateHeaderSchema = z.union([TemplateMediaHeaderSchema, TemplateTextHeaderSchema]);
export type TemplateHeader = z.infer<typeof TemplateHeaderSchema>;
export type TemplateMediaHeader = z.infer<typeof TemplateMediaHeaderSchema>;

const ButtonIndex = z.number().int().min(0).max(9).describe('0-based position of the button in the template');

/** A URL button of the template whose taps are tracked (see docs/campaigns.md#clicks). */
export const TrackedButtonSchema = z
  .object({
    index: ButtonIndex,
    /** Where the recipient's tap is redirected to. */
    url: HttpUrlSchema,
  })
  .strict();
/** A URL button whose URL ends in `{{1}}`: the suffix is filled per recipient (appended as given, not encoded). */
export const SuffixButtonSchema = z.object({ index: ButtonIndex, suffix: SourcedValueSchema }).strict();
/**
 * A quick-reply button's payload, filled per recipient: WhatsApp returns it with the tap (the inbound `button`
 * message), which also names the campaign message replied to.
 */
export const PayloadButtonSchema = z.object({ index: ButtonIndex, payload: SourcedValueSchema }).strict();
/** One button of the template with a value per recipient: tracked (`url`), a URL suffix, or a payload. */
export const CampaignButtonSchema = z.union([TrackedButtonSchema, SuffixButtonSchema, PayloadButtonSchema]);
export type CampaignButton = z.infer<typeof CampaignButtonSchema>;

/** The approved template a campaign sends, and how its variables are filled per recipient. */
export const CampaignTemplateSchema = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  /** The body's variables. */
  variables: z.array(TemplateVariableSchema).max(20).default([]),
  /** The media of an image, video or document header, or the variable of a text header. */
  header: TemplateHeaderSchema.optional(),
  /**
   * The buttons that take a value per recipient: a tracked URL button (`{index, url}`: the template's URL is
   * `<public origin>/r/{{1}}`, each recipient's suffix is their own code, a tap is counted and redirected to
   * `url`), a URL button's suffix from a variable (`{index, suffix}`), or a quick-reply payload (`{index, payload}`).
   */
  buttons: z
    .array(CampaignButtonSchema)
    .max(10)
    .default([])
    .refine((b) => new Set(b.map((x) => x.index)).size === b.length, 'each button index once'),
});
export type CampaignTemplate = z.infer<typeof CampaignTemplateSchema>;

/** The tracked URL buttons of a template (`{ index, url }`). */
export function trackedButtons(t: Pick<CampaignTemplate, 'buttons'>): z.infer<typeof TrackedButtonSchema>[] {
  return t.buttons.flatMap((b) => ('url' in b ? [b] : []));
}

/** Every value of a template filled from a source: body variables, the header's and the buttons'. */
export function templateSources(t: CampaignTemplate): z.infer<typeof VariableSourceSchema>[] {
  return [
    ...t.variables.map((v) => v.source),
    ...(t.header?.type === 'text' ? [t.header.variable.source] : []),
    ...t.buttons.flatMap((b) =>
      'suffix' in b ? [b.suffix.source] : 'payload' in b ? [b.payload.source] : [],
    ),
  ];
}

/** A second template for an A/B test: `splitPercent` % of recipients get variant a (the main template). */
export const CampaignVariantSchema = z.object({
  template: CampaignTemplateSchema,
  splitPercent: z.number().int().min(1).max(99).default(50),
});

/**
 * Who the campaign is for: one of a segment, a condition (text or tree), a list of contact ids, or the valid rows
 * of a CSV import started with `purpose=audience` (`POST /api/v1/contacts/imports?purpose=audience`).
 */
export const CampaignAudienceSchema = z.union([
  z.object({ segmentId: z.uuid() }).strict(),
  z.object({ importId: z.uuid() }).strict(),
  z.object({ condition: z.union([z.string().trim().min(1).max(2000), ConditionNodeSchema]) }).strict(),
  z.object({ contactIds: z.array(z.uuid()).min(1).max(10_000) }).strict(),
]);
export type CampaignAudience = z.infer<typeof CampaignAudienceSchema>;

/** Who is left out besides opted-out and unreachable contacts (always left out). */
export const CampaignExclusionsSchema = z.object({
  segmentIds: z.array(z.uuid()).max(20).default([]),
  /** At most `count` campaign messages per contact in `days` days (counting other campaigns' messages). */
  frequencyCap: z
    .object({ count: z.number().int().min(1).max(100), days: z.number().int().min(1).max(90) })
    .nullable()
    .default(null),
  /**
   * Send only to contacts who opted in to marketing. Null (default): required for marketing templates, not for
   * utility and authentication ones.
   */
  requireOptIn: z.boolean().nullable().default(null),
});
export type CampaignExclusions = z.infer<typeof CampaignExclusionsSchema>;

/** When: now, at an instant, or at a wall time on a date in each recipient's time zone. */
export const CampaignScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('now') }),
  z.object({ kind: z.literal('at'), at: z.iso.datetime({ offset: true }) }),
  z.object({ kind: z.literal('local'), date: IsoDate, time: HHMM }),
]);
export type CampaignSchedule = z.infer<typeof CampaignScheduleSchema>;

/** Hours in the recipient's local time when nothing is sent (default: nothing before 08:00 or from 22:00). */
export const QuietHoursSchema = z.object({ start: HHMM.default('08:00'), end: HHMM.default('22:00') });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** Per-number limits beyond WhatsApp's own (mps, messaging limit). */
export const CampaignLimitsSchema = z.object({
  /** Messages per number per rolling hour, all campaigns together; null = only WhatsApp's limits. */
  hourlyCap: z.number().int().min(1).max(3_600_000).nullable().default(null),
  /** For numbers younger than `days`: at most startPerDay · growth^ageDays per rolling 24 h. */
  ramp: z
    .object({
      startPerDay: z.number().int().min(1).max(100_000),
      growth: z.number().min(1).max(10),
      days: z.number().int().min(1).max(60),
    })
    .nullable()
    .default(null),
});
export type CampaignLimits = z.infer<typeof CampaignLimitsSchema>;

/** `POST /api/v1/campaigns`: a draft. */
export const CampaignInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  phoneNumberIds: z.array(z.uuid()).min(1).max(20),
  template: CampaignTemplateSchema,
  variantB: CampaignVariantSchema.nullable().default(null),
  audience: CampaignAudienceSchema,
  exclusions: CampaignExclusionsSchema.default({ segmentIds: [], frequencyCap: null, requireOptIn: null }),
  schedule: CampaignScheduleSchema.default({ kind: 'now' }),
  quietHours: QuietHoursSchema.default({ start: '08:00', end: '22:00' }),
  limits: CampaignLimitsSchema.default({ hourlyCap: null, ramp: null }),
});
export type CampaignInput = z.infer<typeof CampaignInputSchema>;
/** `PATCH /api/v1/campaigns/{id}` (drafts only): any of the fields. */
export const CampaignUpdateSchema = CampaignInputSchema.partial();

export const CAMPAIGN_STATUSES = [
  'draft',
  'awaiting_approval',
  'scheduled',
  'running',
  'paused',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** Statuses from which each transition is allowed (the server enforces it; the console offers only these). */
export const CAMPAIGN_TRANSITIONS = {
  launch: ['draft'],
  approve: ['awaiting_approval'],
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['awaiting_approval', 'scheduled', 'running', 'paused'],
} as const satisfies Record<string, readonly CampaignStatus[]>;
export const RECIPIENT_STATUSES = [
  'planned',
  'skipped',
  'queued',
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
] as const;
/** Why a contact of the audience gets no message. */
export const SKIP_REASONS = [
  'no_phone',
  'opted_out',
  'no_consent',
  'unreachable',
  'frequency_cap',
  'excluded_segment',
  'cancelled',
  'no_sender',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Live counters of a campaign, from its ledger. */
export const CampaignCountersSchema = z.object({
  eligible: z.number().int(),
  planned: z.number().int(),
  skipped: z.record(z.string(), z.number().int()),
  queued: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  read: z.number().int(),
  replied: z.number().int(),
  /** Recipients who clicked one of the campaign's links (first clicks; previews are not clicks). */
  clicked: z.number().int(),
  /** Recipients with a conversion attributed to the campaign. */
  converted: z.number().int(),
  failed: z.array(
    z.object({ code: z.number().int().nullable(), meaning: z.string(), count: z.number().int() }),
  ),
});

/** A campaign. */
export const CampaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  phoneNumberIds: z.array(z.string()),
  template: CampaignTemplateSchema,
  variantB: CampaignVariantSchema.nullable(),
  audience: CampaignAudienceSchema,
  exclusions: CampaignExclusionsSchema,
  schedule: CampaignScheduleSchema,
  quietHours: QuietHoursSchema,
  limits: CampaignLimitsSchema,
  createdBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  planState: z.enum(['pending', 'planning', 'done']),
  launchedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counters: CampaignCountersSchema.optional(),
});
export type CampaignDto = z.infer<typeof CampaignSchema>;
export const CampaignListSchema = z.object({
  data: z.array(CampaignSchema),
  nextCursor: z.string().nullable(),
});

/** `POST /api/v1/campaigns/{id}/estimate`: what a launch would do now, before anything is sent. */
export const CampaignEstimateSchema = z.object({
  audience: z.number().int(),
  eligible: z.number().int(),
  exclusions: z.record(z.string(), z.number().int()),
  category: z.string().nullable(),
  cost: z.object({
    total: z.number(),
    currency: z.string(),
    byCountry: z.array(z.object({ country: z.string(), recipients: z.number().int(), cost: z.number() })),
  }),
});
export type CampaignEstimateDto = z.infer<typeof CampaignEstimateSchema>;

/** `GET /api/v1/campaigns/{id}/recipients?status=&cursor=`. */
export const RecipientQuerySchema = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(512).optional(),
});
export const CampaignRecipientSchema = z.object({
  contactId: z.string(),
  /** The contact's name (else its WhatsApp profile name), so a person can tell recipients apart. */
  contactName: z.string().nullable(),
  /** The contact's number (E.164, else its WhatsApp id). */
  contactPhone: z.string().nullable(),
  status: z.enum(RECIPIENT_STATUSES),
  skipReason: z.string().nullable(),
  phoneNumberId: z.string().nullable(),
  variant: z.enum(['a', 'b']),
  dueAt: z.string().nullable(),
  attempt: z.number().int(),
  messageId: z.string().nullable(),
  errorCode: z.number().int().nullable(),
  queuedAt: z.string().nullable(),
  repliedAt: z.string().nullable(),
});
export type CampaignRecipientDto = z.infer<typeof CampaignRecipientSchema>;
export const CampaignRecipientPageSchema = z.object({
  data: z.array(CampaignRecipientSchema),
  nextCursor: z.string().nullable(),
});

/** One price of the table. */
export const CampaignPriceSchema = z.object({
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  country: z.string().regex(/^([A-Z]{2}|\*)$/, 'ISO 3166 alpha-2 or *'),
  price: z.number().min(0).max(1000),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type CampaignPrice = z.infer<typeof CampaignPriceSchema>;
/** `GET/PUT /api/v1/campaign-prices`: the whole table; `source` says whether these are the example defaults. */
export const CampaignPricesSchema = z.object({
  source: z.enum(['workspace', 'default']),
  prices: z.array(CampaignPriceSchema),
});
export const CampaignPricesInputSchema = z.object({ prices: z.array(CampaignPriceSchema).max(2000) });
/** `GET/PUT /api/v1/campaign-settings`: how conversions are attributed and when the CPA alert fires. */
export const CampaignSettingsSchema = z.object({
  /** A conversion is attributed to the campaign message the contact last read or clicked in this many days. */
  attributionDays: z.number().int().min(1).max(90).default(7),
  /** Gross margin as a share of revenue (0.3 = 30 %); null: no CPA alert. */
  marginRate: z.number().min(0).max(1).nullable().default(null),
  /** The alert fires when the cost per acquisition is above this share of the margin of one conversion. */
  cpaAlertShare: z.number().min(0).max(1).default(0.5),
});
export type CampaignSettings = z.infer<typeof CampaignSettingsSchema>;

/** `POST /api/v1/conversions`: a sale (or any valued goal) of a contact, by id or phone number. */
export const ConversionInputSchema = z
  .object({
    contactId: z.uuid().optional(),
    phone: z.string().min(3).max(32).optional(),
    value: z.number().min(0).max(1_000_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217, e.g. JPY'),
    /** When it happened (default: now); attribution looks back from here. */
    at: z.iso.datetime({ offset: true }).optional(),
    /** Your id of the conversion (an order number): a second report with the same id is the same conversion. */
    externalId: z.string().min(1).max(200).optional(),
  })
  .refine((v) => (v.contactId === undefined) !== (v.phone === undefined), {
    message: 'give exactly one of contactId and phone',
  });
export type ConversionInput = z.infer<typeof ConversionInputSchema>;

/** A recorded conversion and the campaign it is attributed to (null: none in the window). */
export const ConversionSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  campaignId: z.string().nullable(),
  /** How the campaign reached the contact last: `read` (or replied) or `clicked`; null when not attributed. */
  attributedBy: z.enum(['read', 'clicked']).nullable(),
  /** When the contact read or clicked the campaign message. */
  touchedAt: z.string().nullable(),
  value: z.number(),
  currency: z.string(),
  at: z.string(),
  externalId: z.string().nullable(),
});
export type ConversionDto = z.infer<typeof ConversionSchema>;

/** `GET /api/v1/campaigns/{id}/funnel`: recipients at each step, revenue, cost and cost per acquisition. */
export const CampaignFunnelSchema = z.object({
  campaignId: z.string(),
  /** Recipients who reached each step (or a later one): a reply counts as read, a read as delivered. */
  funnel: z.object({
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    clicked: z.number().int(),
    replied: z.number().int(),
    converted: z.number().int(),
  }),
  /** Attributed conversions per currency. */
  revenue: z.array(z.object({ currency: z.string(), amount: z.number(), conversions: z.number().int() })),
  /** Delivered messages × the price table (the estimate's prices), in the table's currency. */
  cost: z.object({ total: z.number(), currency: z.string(), category: z.string().nullable() }),
  /** cost ÷ converted recipients; null before the first conversion. */
  costPerAcquisition: z.number().nullable(),
  alert: z.object({
    /** True when the CPA is above `threshold`. */
    cpaAboveThreshold: z.boolean(),
    /** cpaAlertShare × marginRate × revenue per converted recipient (cost currency); null when not computable. */
    threshold: z.number().nullable(),
    /** Why there is no threshold: `no_margin_rate`, `no_conversions` or `no_revenue_in_cost_currency`. */
    reason: z.string().nullable(),
  }),
});
export type CampaignFunnelDto = z.infer<typeof CampaignFunnelSchema>;
