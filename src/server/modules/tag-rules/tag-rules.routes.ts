import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  TagRuleInputSchema,
  TagRuleListSchema,
  TagRuleSchema,
  TagRuleUpdateSchema,
} from '../../../contracts/tag-rules.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  createTagRule,
  deleteTagRule,
  getTagRule,
  listTagRules,
  runTagRule,
  updateTagRule,
  type TagRulesDeps,
} from './tag-rules.service.ts';

const tags = ['tag-rules'];

/** `/api/v1/tag-rules`: tags kept on the contacts a condition selects. Every role reads; owners and admins manage. */
export async function tagRulesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: TagRulesDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/tag-rules',
    {
      schema: {
        tags,
        summary: 'Tag rules, by tag',
        response: { 200: TagRuleListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listTagRules(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/tag-rules',
    {
      schema: {
        tags,
        summary: 'Create a tag rule (an enabled rule runs at once in the background)',
        body: TagRuleInputSchema,
        response: { 201: TagRuleSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createTagRule(deps, p.workspaceId, p.userId, req.body));
    },
  );

  r.get(
    '/api/v1/tag-rules/:id',
    {
      schema: {
        tags,
        summary: 'A tag rule, with its last run',
        params: IdParamsSchema,
        response: { 200: TagRuleSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getTagRule(deps, p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/tag-rules/:id',
    {
      schema: {
        tags,
        summary: 'Change the tag, condition or enabled state of a tag rule',
        params: IdParamsSchema,
        body: TagRuleUpdateSchema,
        response: { 200: TagRuleSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateTagRule(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/tag-rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a tag rule and the tags it added',
        params: IdParamsSchema,
        response: { 204: z.null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteTagRule(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/tag-rules/:id/run',
    {
      schema: {
        tags,
        summary: 'Re-evaluate a tag rule now; answers the rule with what the run added and removed',
        params: IdParamsSchema,
        response: { 200: TagRuleSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return runTagRule(deps, p.workspaceId, req.params.id);
    },
  );
}
