import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, PageQuerySchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  CampaignEstimateSchema,
  CampaignInputSchema,
  CampaignListSchema,
  CampaignPricesInputSchema,
  CampaignPricesSchema,
  CampaignRecipientPageSchema,
  CampaignSchema,
  CampaignUpdateSchema,
  RecipientQuerySchema,
  type CampaignDto,
} from '../../../contracts/campaign.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { publicOrigin } from '../../http/links.ts';
import { requirePermission, type Permission } from '../auth/principal.rules.ts';
import { estimateCampaign } from './campaign-plan.service.ts';
import * as campaigns from './campaigns.service.ts';

const tags = ['campaigns'];

/**
 * `/api/v1/campaigns` and `/api/v1/campaign-prices`. Every role reads; agents build drafts and ask for a launch
 * (it waits for approval); owners and admins launch directly, approve, pause, resume, cancel and edit prices
 * (campaign-access.rules.ts).
 */
export async function campaignsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: campaigns.CampaignsDeps = {
    db: ctx.db,
    clock: ctx.clock,
    publicOrigin: () => publicOrigin(ctx),
  };
  const path = '/api/v1/campaigns/:id';
  const params = IdParamsSchema;

  r.post(
    '/api/v1/campaigns',
    {
      schema: {
        tags,
        summary: 'Create a draft campaign',
        body: CampaignInputSchema,
        response: { 201: CampaignSchema, ...errorResponses(422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return reply.code(201).send(await campaigns.createCampaign(deps, p, req.body));
    },
  );

  r.get(
    '/api/v1/campaigns',
    {
      schema: {
        tags,
        summary: 'Campaigns, newest first, each with its live counters',
        querystring: PageQuerySchema,
        response: { 200: CampaignListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return campaigns.listCampaigns(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    path,
    {
      schema: {
        tags,
        summary: 'A campaign with its live counters',
        params,
        response: { 200: CampaignSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return campaigns.getCampaign(deps, p.workspaceId, req.params.id);
    },
  );

  r.patch(
    path,
    {
      schema: {
        tags,
        summary: 'Edit a draft',
        params,
        body: CampaignUpdateSchema,
        response: { 200: CampaignSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return campaigns.updateCampaign(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    path,
    {
      schema: {
        tags,
        summary: 'Delete a draft',
        params,
        response: { 204: z.null(), ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      await campaigns.deleteCampaign(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    `${path}/estimate`,
    {
      schema: {
        tags,
        summary: 'Eligible recipients, exclusions by reason and cost, before anything is sent',
        params,
        response: { 200: CampaignEstimateSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return estimateCampaign(deps, p.workspaceId, req.params.id);
    },
  );

  const actions: [
    string,
    string,
    Permission,
    (id: string, p: ReturnType<typeof requireAuth>) => Promise<CampaignDto>,
  ][] = [
    [
      'launch',
      'Launch a draft (owners and admins), or ask for approval (agents)',
      'converse',
      (id, p) => campaigns.launchCampaign(deps, p, id),
    ],
    [
      'approve',
      'Approve a launch asked for by an agent',
      'manage',
      (id, p) => campaigns.approveCampaign(deps, p, id),
    ],
    [
      'pause',
      'Pause: nothing more is sent until resumed',
      'manage',
      (id, p) => campaigns.pauseCampaign(deps, p.workspaceId, id),
    ],
    [
      'resume',
      'Resume a paused campaign',
      'manage',
      (id, p) => campaigns.resumeCampaign(deps, p.workspaceId, id),
    ],
    [
      'cancel',
      'Cancel: what is not yet sent is skipped',
      'manage',
      (id, p) => campaigns.cancelCampaign(deps, p.workspaceId, id),
    ],
  ];
  for (const [action, summary, permission, run] of actions) {
    r.post(
      `${path}/${action}`,
      {
        schema: {
          tags,
          summary,
          params,
          response: { 200: CampaignSchema, ...errorResponses(404, 409, 422) },
        },
      },
      async (req, reply) => {
        const p = requireAuth(req, reply);
        requirePermission(p, permission);
        return run(req.params.id, p);
      },
    );
  }

  r.get(
    `${path}/recipients`,
    {
      schema: {
        tags,
        summary: "A page of the campaign's recipients (the ledger), optionally of one status",
        params,
        querystring: RecipientQuerySchema,
        response: { 200: CampaignRecipientPageSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return campaigns.listRecipients(deps, p.workspaceId, req.params.id, req.query);
    },
  );

  r.get(
    '/api/v1/campaign-prices',
    {
      schema: {
        tags,
        summary: 'The price table of estimates (the example defaults until the workspace sets its own)',
        response: { 200: CampaignPricesSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return campaigns.getPrices(deps, p.workspaceId);
    },
  );

  r.put(
    '/api/v1/campaign-prices',
    {
      schema: {
        tags,
        summary: "Replace the workspace's price table",
        body: CampaignPricesInputSchema,
        response: { 200: CampaignPricesSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return campaigns.putPrices(deps, p.workspaceId, req.body);
    },
  );
}
