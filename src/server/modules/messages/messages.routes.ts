import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParamsSchema,
  MessagePageSchema,
  MessageSchema,
  PageQuerySchema,
  SendHeadersSchema,
  SendTargetFieldsSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { getMessage, listMessages } from './messages-query.service.ts';
import { sendToConversation, sendToNumber, type SendResultDto } from './messages-send.service.ts';
import { SendContentSchema } from './messages.service.ts';

const tags = ['messages'];

/** `POST /api/v1/messages`: the Cloud API's send body plus `phoneNumberId` (the sending number) and `to`. */
const SendToNumberBodySchema = z.intersection(SendContentSchema, SendTargetFieldsSchema);

const sendResponses = {
  200: MessageSchema.describe(
    'Replay of an earlier request with the same Idempotency-Key (header Idempotent-Replayed: true)',
  ),
  202: MessageSchema.describe('Queued for sending'),
  ...errorResponses(404, 422),
};

/** 202 for a newly queued message; 200 plus `Idempotent-Replayed: true` when an Idempotency-Key replays one. */
function presentSend(reply: FastifyReply, result: SendResultDto) {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(result.replayed ? 200 : 202).send(result.message);
}

/** Message history, sends (to a conversation or to a phone number) and single-message status. */
export async function messagesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: "A conversation's messages, newest first",
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: MessagePageSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listMessages(deps, p.workspaceId, req.params.id, req.query);
    },
  );

  r.post(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'Send a message in a conversation (Cloud API message shape)',
        params: IdParamsSchema,
        headers: SendHeadersSchema,
        body: SendContentSchema,
        response: sendResponses,
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      const result = await sendToConversation(deps, p, {
        conversationId: req.params.id,
        content: req.body,
        idempotencyKey: req.headers['idempotency-key'] ?? null,
      });
      return presentSend(reply, result);
    },
  );

  r.post(
    '/api/v1/messages',
    {
      schema: {
        tags,
        summary: 'Send a message to a phone number from one of your numbers',
        headers: SendHeadersSchema,
        body: SendToNumberBodySchema,
        response: sendResponses,
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return presentSend(
        reply,
        await sendToNumber(deps, p, {
          body: req.body,
          idempotencyKey: req.headers['idempotency-key'] ?? null,
        }),
      );
    },
  );

  r.get(
    '/api/v1/messages/:id',
    {
      schema: {
        tags,
        summary: 'Get a message with its delivery status',
        params: IdParamsSchema,
        response: { 200: MessageSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getMessage(deps, p.workspaceId, req.params.id);
    },
  );
}
