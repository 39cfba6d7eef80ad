import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AnalyticsQuerySchema,
  AnalyticsSettingsSchema,
  AudienceAnalyticsSchema,
  CampaignsAnalyticsSchema,
  HeatmapAnalyticsSchema,
  MessagingAnalyticsSchema,
  NumbersAnalyticsSchema,
  ServiceAnalyticsSchema,
  TopicsAnalyticsSchema,
} from '../../../contracts/analytics.schemas.ts';
import { errorResponses } from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  getAnalyticsSettings,
  heatmapAnalytics,
  messagingAnalytics,
  numbersAnalytics,
  serviceAnalytics,
  updateAnalyticsSettings,
} from './analytics-query.service.ts';
import { audienceAnalytics, campaignsAnalytics, topicsAnalytics } from './analytics-insights.service.ts';

const tags = ['analytics'];

/**
 * Analytics are for owners, admins and analysts (who read everything); agents work conversations and get 403, so
 * workload figures of colleagues are not shown to them.
 */
function requireAnalyticsReader(p: Principal): void {
  requirePermission(p, 'read');
  if (p.role === 'agent') throw new AppError('forbidden', 'The agent role cannot read analytics');
}

/**
 * `/api/v1/analytics/*`: messaging, service, heatmap, per-number figures, campaigns, topics and audience
 * (docs/metrics.md); settings.
 */
export async function analyticsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db, clock: ctx.clock };
  const query = (summary: string) => ({ tags, summary, querystring: AnalyticsQuerySchema });

  r.get(
    '/api/v1/analytics/messaging',
    {
      schema: {
        ...query(
          'Sent, delivered, read, failed (by error code), delivery/read/reply rates, per day and number',
        ),
        response: { 200: MessagingAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return messagingAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/service',
    {
      schema: {
        ...query(
          'Case volume and backlog, first response, response and resolution times, automation share, SLA',
        ),
        response: { 200: ServiceAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return serviceAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/heatmap',
    {
      schema: {
        ...query('Customer messages by local weekday × hour'),
        response: { 200: HeatmapAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return heatmapAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/numbers',
    {
      schema: {
        ...query("Each number's health (quality rating, messaging tier, throughput) and messaging figures"),
        response: { 200: NumbersAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return numbersAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/campaigns',
    {
      schema: {
        ...query(
          'What campaigns earn: per campaign and A/B variant released in the range, funnel, revenue, cost, CPA',
        ),
        response: { 200: CampaignsAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return campaignsAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/topics',
    {
      schema: {
        ...query(
          'What customers ask: frequent words and phrases, rising topics, questions automation did not match',
        ),
        response: { 200: TopicsAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return topicsAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/audience',
    {
      schema: {
        ...query('Who the contacts are: activity tiers, top tags, opt-out and unreachable-number rates'),
        response: { 200: AudienceAnalyticsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return audienceAnalytics(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/analytics/settings',
    {
      schema: {
        tags,
        summary: 'The SLA target of the workspace',
        response: { 200: AnalyticsSettingsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireAnalyticsReader(p);
      return getAnalyticsSettings(deps, p.workspaceId);
    },
  );

  r.put(
    '/api/v1/analytics/settings',
    {
      schema: {
        tags,
        summary: 'Set the SLA target (owners and admins)',
        body: AnalyticsSettingsSchema,
        response: { 200: AnalyticsSettingsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateAnalyticsSettings(deps, p.workspaceId, req.body);
    },
  );
}
