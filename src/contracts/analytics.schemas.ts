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
