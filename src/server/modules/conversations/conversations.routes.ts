import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ConversationListQuerySchema,
  ConversationPageSchema,
  ConversationSchema,
  ConversationUpdateSchema,
  IdParamsSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.ts';
import {
  getConversation,
  listWorkspaceConversations,
  markConversationRead,
  updateConversation,
  type ConversationsDeps,
} from './conversations.service.ts';

const tags = ['conversations'];

/** `/api/v1/conversations`: the shared inbox — list with filters, read, change status/assignee, mark read. */
export async function conversationsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ConversationsDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        summary: 'List conversations, most recent activity first',
        querystring: ConversationListQuerySchema,
        response: { 200: ConversationPageSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listWorkspaceConversations(deps, p.workspaceId, req.query);
    },
  );

  r.get(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Get a conversation',
        params: IdParamsSchema,
        response: { 200: ConversationSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getConversation(deps, p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Change status, snooze, assignee or priority',
        params: IdParamsSchema,
        body: ConversationUpdateSchema,
        response: { 200: ConversationSchema, ...errorResponses(404, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return updateConversation(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.post(
    '/api/v1/conversations/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark a conversation read (unread count 0)',
        params: IdParamsSchema,
        response: { 200: ConversationSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return markConversationRead(deps, p.workspaceId, req.params.id);
    },
  );
}
