/**
 * Analytics API contracts (`/api/v1/analytics/*`), shared by the server and the console. Every figure is defined in
 * docs/metrics.md; days are local dates of the workspace's time zone.
 */
import { z } from 'zod';

/** Per-workspace analytics settings. */
export const AnalyticsSettingsSchema = z.object({
  firstResponseTargetSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .describe('SLA: first human reply within this many seconds (60 s – 30 days)'),
  slaBusinessHours: z.boolean().describe('Measure the SLA in business hours'),
});
export type AnalyticsSettings = z.infer<typeof AnalyticsSettingsSchema>;

/** A local calendar date `YYYY-MM-DD` that exists. */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a calendar date');

/** The longest range one request may ask for, in days. */
export const MAX_RANGE_DAYS = 366;

/** `?from&to&phoneNumberId&agentId&teamId&tag&compare=previous&businessHours=true` of every analytics endpoint. */
export const AnalyticsQuerySchema = z
  .object({
    from: LocalDateSchema.optional().describe('First local day (default: 6 days before `to`)'),
    to: LocalDateSchema.optional().describe(
      "Last local day, included (default: today in the workspace's zone)",
    ),
    phoneNumberId: z.uuid().optional().describe('Only this number (Tsunagi id)'),
    agentId: z.uuid().optional().describe('Service only: cases whose first human reply came from this user'),
    teamId: z.uuid().optional().describe("Service only: cases of conversations now in this team's queue"),
    tag: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .optional()
      .describe('Service only: cases of conversations whose contact now has this tag'),
    compare: z.enum(['previous']).optional().describe('Add the same figures for the period just before'),
    businessHours: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true')
      .describe('Service only: measure durations in business hours'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: '`from` must not be after `to`',
    path: ['from'],
  })
  .refine(
    (q) =>
      !q.from ||
      !q.to ||
      (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86_400_000 < MAX_RANGE_DAYS,
    { message: `at most ${MAX_RANGE_DAYS} days`, path: ['to'] },
  );
/** A parsed analytics query. */
export type AnalyticsQuery = z.infer<typeof AnalyticsQuerySchema>;

const Rate = z.number().nullable().describe('0–1; null when the denominator is 0');
const Seconds = z.number().nullable().describe('seconds; null when there is nothing to measure');

/** The range a response covers. */
export const AnalyticsRangeSchema = z.object({ from: z.string(), to: z.string(), timeZone: z.string() });

/** Messaging counts and rates (docs/metrics.md § Messaging). */
export const MessagingFiguresSchema = z.object({
  sent: z.number().int(),
  delivered: z.number().int(),
  read: z.number().int(),
  failed: z.number().int(),
  replied: z.number().int(),
  inbound: z.number().int(),
  deliveryRate: Rate,
  readRate: Rate,
  replyRate: Rate,
});
export type MessagingFigures = z.infer<typeof MessagingFiguresSchema>;

/** Failed messages of one Graph error code, with its meaning. */
export const FailureByCodeSchema = z.object({
  code: z.number().int().nullable(),
  title: z.string(),
  category: z.enum(['auth', 'throttle', 'retryable', 'permanent', 'policy']).nullable(),
  failed: z.number().int(),
});

const MessagingPeriodSchema = z.object({
  range: AnalyticsRangeSchema,
  totals: MessagingFiguresSchema,
  series: z.array(MessagingFiguresSchema.extend({ date: z.string() })),
  failures: z.array(FailureByCodeSchema),
});

/** `GET /api/v1/analytics/messaging`. */
export const MessagingAnalyticsSchema = MessagingPeriodSchema.extend({
  byNumber: z.array(MessagingFiguresSchema.extend({ phoneNumberId: z.uuid() })),
  previous: MessagingPeriodSchema.nullable(),
});
export type MessagingAnalytics = z.infer<typeof MessagingAnalyticsSchema>;

/** Median and p90 of a duration, over `count` cases. */
export const DistributionSchema = z.object({ count: z.number().int(), median: Seconds, p90: Seconds });

/** Service figures of a set of cases (docs/metrics.md § Service). */
export const ServiceFiguresSchema = z.object({
  newCases: z.number().int(),
  reopenedCases: z.number().int(),
  resolvedCases: z.number().int(),
  firstResponse: DistributionSchema,
  firstResponseAny: DistributionSchema,
  averageResponseSeconds: Seconds,
  resolution: DistributionSchema,
  automationOnlyShare: Rate,
  sla: z.object({
    met: z.number().int(),
    missed: z.number().int(),
    pending: z.number().int(),
    attainment: Rate,
  }),
});
export type ServiceFigures = z.infer<typeof ServiceFiguresSchema>;

const ServicePeriodSchema = z.object({
  range: AnalyticsRangeSchema,
  businessHours: z.boolean(),
  totals: ServiceFiguresSchema.extend({
    backlogStart: z.number().int().describe('Cases open when the range began'),
    backlogEnd: z.number().int().describe('Cases open when the range ended'),
  }),
  series: z.array(
    z.object({
      date: z.string(),
      newCases: z.number().int(),
      resolvedCases: z.number().int(),
      backlog: z.number().int(),
    }),
  ),
});

/** `GET /api/v1/analytics/service`. */
export const ServiceAnalyticsSchema = ServicePeriodSchema.extend({
  settings: AnalyticsSettingsSchema,
  byAgent: z.array(
    ServiceFiguresSchema.extend({ agentId: z.uuid().nullable(), name: z.string().nullable() }),
  ),
  byNumber: z.array(ServiceFiguresSchema.extend({ phoneNumberId: z.uuid() })),
  previous: ServicePeriodSchema.nullable(),
});
export type ServiceAnalytics = z.infer<typeof ServiceAnalyticsSchema>;

const HeatmapPeriodSchema = z.object({
  range: AnalyticsRangeSchema,
  total: z.number().int(),
  cells: z
    .array(
      z.object({
        weekday: z.number().int().min(1).max(7),
        hour: z.number().int().min(0).max(23),
        count: z.number().int(),
      }),
    )
    .describe('168 cells: ISO weekday (Monday 1) × local hour'),
});

/** `GET /api/v1/analytics/heatmap`. */
export const HeatmapAnalyticsSchema = HeatmapPeriodSchema.extend({
  previous: HeatmapPeriodSchema.nullable(),
});
export type HeatmapAnalytics = z.infer<typeof HeatmapAnalyticsSchema>;

/** `GET /api/v1/analytics/numbers`: each number's health (as last reported by Meta) and its messaging figures. */
export const NumbersAnalyticsSchema = z.object({
  range: AnalyticsRangeSchema,
  numbers: z.array(
    MessagingFiguresSchema.extend({
      phoneNumberId: z.uuid(),
      displayPhoneNumber: z.string(),
      label: z.string().nullable(),
      status: z.string(),
      qualityRating: z.string().nullable().describe('GREEN, YELLOW, RED, or null when unknown'),
      messagingLimit: z
        .number()
        .int()
        .nullable()
        .describe('Messaging tier: business-initiated conversations a day'),
      mps: z.number().int().describe('Throughput, messages per second'),
      previous: MessagingFiguresSchema.nullable(),
    }),
  ),
});
export type NumbersAnalytics = z.infer<typeof NumbersAnalyticsSchema>;

/** Recipients at each step of a campaign's funnel (a later step implies the earlier ones). */
export const FunnelCountsSchema = z.object({
  sent: z.number().int(),
  delivered: z.number().int(),
  read: z.number().int(),
  clicked: z.number().int(),
  replied: z.number().int(),
  converted: z.number().int(),
});
export type FunnelCounts = z.infer<typeof FunnelCountsSchema>;

/** Step rates of a funnel (docs/metrics.md § Campaigns). */
export const FunnelRatesSchema = z.object({
  deliveryRate: Rate.describe('delivered / sent'),
  readRate: Rate.describe('read / delivered'),
  clickRate: Rate.describe('clicked / delivered'),
  replyRate: Rate.describe('replied / delivered'),
  conversionRate: Rate.describe('converted / delivered'),
});
export type FunnelRates = z.infer<typeof FunnelRatesSchema>;

/** What a campaign (or one variant of it) brought: funnel, rates, revenue, cost and cost per acquisition. */
export const CampaignEarningsSchema = z.object({
  funnel: FunnelCountsSchema,
  rates: FunnelRatesSchema,
  revenue: z.array(z.object({ currency: z.string(), amount: z.number(), conversions: z.number().int() })),
  cost: z.object({ total: z.number(), currency: z.string(), category: z.string().nullable() }),
  costPerAcquisition: z.number().nullable().describe('cost ÷ converted; null without conversions'),
});
export type CampaignEarnings = z.infer<typeof CampaignEarningsSchema>;

const CampaignsPeriodSchema = z.object({
  range: AnalyticsRangeSchema,
  totals: FunnelCountsSchema.describe('All campaigns of the range'),
  campaigns: z.array(
    CampaignEarningsSchema.extend({
      campaignId: z.uuid(),
      name: z.string(),
      status: z.string(),
      variants: z
        .array(CampaignEarningsSchema.extend({ variant: z.enum(['a', 'b']), template: z.string() }))
        .describe('A/B: each variant (a single-variant campaign has one, `a`)'),
      variantLift: FunnelRatesSchema.nullable().describe(
        'A/B: variant b − variant a of each rate (percentage points as 0–1); null without both',
      ),
    }),
  ),
});

/** `GET /api/v1/analytics/campaigns`: what campaigns earn (docs/metrics.md § Campaigns). */
export const CampaignsAnalyticsSchema = CampaignsPeriodSchema.extend({
  previous: CampaignsPeriodSchema.nullable(),
});
export type CampaignsAnalytics = z.infer<typeof CampaignsAnalyticsSchema>;

/** A word or phrase of customer messages with the number of sampled messages that contain it. */
export const TopicTermSchema = z.object({
  term: z.string().describe('Folded form (NFKC, lower case, katakana → hiragana)'),
  label: z.string().describe('How it was written most often'),
  messages: z.number().int().describe('Sampled messages containing it'),
  share: z.number().describe('messages / sampled messages'),
});

/** A term whose share of messages grew against the previous period. */
export const RisingTopicSchema = TopicTermSchema.extend({
  previousMessages: z.number().int(),
  previousShare: z.number(),
  change: z.number().describe('share − previousShare (0–1)'),
});

/** `GET /api/v1/analytics/topics`: what customers ask (docs/metrics.md § Topics). */
export const TopicsAnalyticsSchema = z.object({
  range: AnalyticsRangeSchema,
  sampleLimit: z.number().int().describe('At most this many of the latest customer texts per period'),
  sampled: z.number().int().describe('Customer texts analysed in the range'),
  inbound: z.number().int().describe('Customer messages in the range (all types)'),
  words: z.array(TopicTermSchema),
  phrases: z.array(TopicTermSchema),
  rising: z.array(RisingTopicSchema),
  previous: z
    .object({ range: AnalyticsRangeSchema, sampled: z.number().int(), inbound: z.number().int() })
    .nullable(),
  unmatched: z
    .array(
      z.object({
        normalized: z.string(),
        sample: z.string(),
        count: z.number().int(),
        lastSeenAt: z.string(),
      }),
    )
    .describe('Customer questions automation had no rule for, grouped by folded text'),
});
export type TopicsAnalytics = z.infer<typeof TopicsAnalyticsSchema>;

/** Activity tiers of contacts by their latest customer message. */
export const ActivityTierSchema = z.enum(['active', 'lapsing', 'dormant', 'never']);
export type ActivityTier = z.infer<typeof ActivityTierSchema>;

const AudiencePeriodSchema = z.object({
  range: AnalyticsRangeSchema,
  optOut: z.object({
    base: z.number().int().describe('Contacts opted in to marketing when the range began'),
    optedOut: z.number().int().describe('Of those, contacts who opted out in the range'),
    allOptOuts: z.number().int().describe('Contacts with an opt-out in the range (any previous state)'),
    rate: Rate.describe('optedOut / base'),
  }),
  unreachable: z.object({
    sent: z.number().int().describe('Messages sent in the range'),
    failed131026: z.number().int().describe('Of those, failed with 131026 (undeliverable)'),
    rate: Rate.describe('failed131026 / sent'),
  }),
});

/** `GET /api/v1/analytics/audience`: who the contacts are (docs/metrics.md § Audience). */
export const AudienceAnalyticsSchema = AudiencePeriodSchema.extend({
  asOf: z.string().describe('Instant of the current counts (tiers, tags)'),
  contacts: z.number().int(),
  tiers: z.array(z.object({ tier: ActivityTierSchema, contacts: z.number().int() })),
  tiersOverRange: z
    .object({
      startAt: z.string(),
      endAt: z.string(),
      tiers: z.array(
        z.object({ tier: ActivityTierSchema, atStart: z.number().int(), atEnd: z.number().int() }),
      ),
    })
    .describe("Tiers at the range's start and end (or now, if earlier), derived from the message history"),
  tags: z.array(z.object({ tag: z.string(), contacts: z.number().int() })).describe('Top 20 tags'),
  unreachableContacts: z.number().int().describe('Contacts now marked unreachable (131026)'),
  previous: AudiencePeriodSchema.nullable(),
});
export type AudienceAnalytics = z.infer<typeof AudienceAnalyticsSchema>;
