import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParamsSchema,
  QuickReplyInputSchema,
  QuickReplyListSchema,
  QuickReplySchema,
  QuickReplyUpdateSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  createQuickReply,
  deleteQuickReply,
  listQuickReplies,
  updateQuickReply,
  type QuickRepliesDeps,
} from './quick-replies.service.ts';

const tags = ['quick replies'];

/** `/api/v1/quick-replies`: canned responses. Everyone reads (the composer); admins manage. */
export async function quickRepliesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: QuickRepliesDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/quick-replies',
    { schema: { tags, summary: 'Canned responses, by shortcut', response: { 200: QuickReplyListSchema } } },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listQuickReplies(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/quick-replies',
    {
      schema: {
        tags,
        summary: 'Create a canned response',
        body: QuickReplyInputSchema,
        response: { 201: QuickReplySchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createQuickReply(deps, p.workspaceId, req.body));
    },
  );

  r.patch(
    '/api/v1/quick-replies/:id',
    {
      schema: {
        tags,
        summary: 'Change a canned response',
        params: IdParamsSchema,
        body: QuickReplyUpdateSchema,
        response: { 200: QuickReplySchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateQuickReply(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/quick-replies/:id',
    {
      schema: {
        tags,
        summary: 'Delete a canned response',
        params: IdParamsSchema,
        response: { 204: z.null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteQuickReply(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
