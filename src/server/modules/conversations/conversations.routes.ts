import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ActivityPageSchema,
  ActivitySchema,
  ConversationListQuerySchema,
  ConversationPageSchema,
  ConversationSchema,
  ConversationUpdateSchema,
  IdParamsSchema,
  NoteInputSchema,
  PageQuerySchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission, type Principal } from '../auth/principal.rules.ts';
import { addConversationNote, listConversationActivities } from './activities.service.ts';
import {
  getConversation,
  listWorkspaceConversations,
  markConversationRead,
  showTyping,
  updateConversation,
  type Actor,
  type ConversationsDeps,
} from './conversations.service.ts';

const tags = ['conversations'];
const actorOf = (p: Principal): Actor => ({ workspaceId: p.workspaceId, userId: p.userId });

/**
 * `/api/v1/conversations`: the shared inbox — list with views, filters and search; read; change status,
 * assignee, team or priority; mark read (and send read receipts); typing indicator; notes and activity.
 */
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
      return listWorkspaceConversations(deps, actorOf(p), req.query);
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
        summary: 'Change status, snooze, assignee, team or priority (logged on the activity)',
        params: IdParamsSchema,
        body: ConversationUpdateSchema,
        response: { 200: ConversationSchema, ...errorResponses(404, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return updateConversation(deps, actorOf(p), req.params.id, req.body);
    },
  );

  r.post(
    '/api/v1/conversations/:id/read',
    {
      schema: {
        tags,
        summary:
          "Mark a conversation read (unread count 0) and the customer's latest message read on WhatsApp",
        params: IdParamsSchema,
        response: { 200: ConversationSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return markConversationRead(deps, actorOf(p), req.params.id);
    },
  );

  r.post(
    '/api/v1/conversations/:id/typing',
    {
      schema: {
        tags,
        summary: 'Show the customer a typing indicator (marks their latest message read); at most every 20 s',
        params: IdParamsSchema,
        response: { 200: z.object({ sent: z.boolean() }), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return { sent: await showTyping(deps, p.workspaceId, req.params.id) };
    },
  );

  r.get(
    '/api/v1/conversations/:id/activities',
    {
      schema: {
        tags,
        summary: "A conversation's activity: internal notes and changes, newest first",
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: ActivityPageSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listConversationActivities(deps, p.workspaceId, req.params.id, req.query);
    },
  );

  r.post(
    '/api/v1/conversations/:id/notes',
    {
      schema: {
        tags,
        summary: 'Add an internal note (visible to the team only, never sent to WhatsApp)',
        params: IdParamsSchema,
        body: NoteInputSchema,
        response: { 201: ActivitySchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return reply.code(201).send(await addConversationNote(deps, actorOf(p), req.params.id, req.body.body));
    },
  );
}
