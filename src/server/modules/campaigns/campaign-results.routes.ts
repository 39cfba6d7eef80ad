import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  CampaignFunnelSchema,
  CampaignSettingsSchema,
  ConversionInputSchema,
  ConversionSchema,
} from '../../../contracts/campaign.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { publicOrigin } from '../../http/links.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { conversionPermission } from './campaign-access.rules.ts';
import {
  campaignFunnel,
  getCampaignSettings,
  putCampaignSettings,
  recordConversion,
} from './campaign-results.service.ts';
import type { CampaignsDeps } from './campaigns.service.ts';

const tags = ['campaigns'];

/**
 * Campaign results: `POST /api/v1/conversions` (API keys, and owners and admins in the console), the funnel of a
 * campaign (every role reads), and the workspace's campaign settings (owners and admins change them).
 */
export async function campaignResultsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: CampaignsDeps = { db: ctx.db, clock: ctx.clock, publicOrigin: () => publicOrigin(ctx) };

  r.post(
    '/api/v1/conversions',
    {
      schema: {
        tags,
        summary:
          'Report a conversion (a sale): attributed to the campaign message the contact last read or clicked within the attribution window',
        body: ConversionInputSchema,
        response: {
          201: ConversionSchema.describe('Recorded (campaignId null: no campaign in the window)'),
          200: ConversionSchema.describe('This externalId was reported before: the first report’s result'),
          ...errorResponses(404, 422),
        },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, conversionPermission(p.kind));
      const { conversion, replayed } = await recordConversion(deps, p.workspaceId, req.body);
      return reply.code(replayed ? 200 : 201).send(conversion);
    },
  );

  r.get(
    '/api/v1/campaigns/:id/funnel',
    {
      schema: {
        tags,
        summary:
          'Sent → delivered → read → clicked → replied → converted, revenue, cost and cost per acquisition',
        params: IdParamsSchema,
        response: { 200: CampaignFunnelSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return campaignFunnel(deps, p.workspaceId, req.params.id);
    },
  );

  r.get(
    '/api/v1/campaign-settings',
    {
      schema: {
        tags,
        summary: 'Attribution window and margin settings of campaign results',
        response: { 200: CampaignSettingsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getCampaignSettings(deps, p.workspaceId);
    },
  );

  r.put(
    '/api/v1/campaign-settings',
    {
      schema: {
        tags,
        summary: 'Replace the campaign settings (owners and admins)',
        body: CampaignSettingsSchema,
        response: { 200: CampaignSettingsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return putCampaignSettings(deps, p.workspaceId, req.body);
    },
  );
}
