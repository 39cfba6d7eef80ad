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
import { BATCH_MAX_ITEMS, queueBatch } from './messages-batch.service.ts';
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

/** `POST /api/v1/messages/batch`: items are checked one by one (an invalid item fails only itself). */
const BatchBodySchema = z.object({
  messages: z
    .array(z.unknown())
    .min(1)
    .max(BATCH_MAX_ITEMS)
    .describe(
      'Each item: the body of POST /api/v1/messages (phoneNumberId, to, type, …) plus its own idempotencyKey (1–255 characters)',
    ),
});
const BatchResultSchema = z.object({
  results: z.array(
    z.union([
      z.object({
        index: z.number().int(),
        id: z.string(),
        replayed: z.boolean().describe('true: the key was used before; id is the original message'),
      }),
      z.object({
        index: z.number().int(),
        error: z.object({
          code: z.string(),
          message: z.string(),
          details: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    ]),
  ),
});
/** Request bodies up to 8 MiB here: 1,000 template messages with parameters exceed the default 1 MiB. */
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

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

  r.post(
    '/api/v1/messages/batch',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Send up to 1,000 messages in one request (bulk lane), each with its own idempotency key',
        body: BatchBodySchema,
        response: {
          202: BatchResultSchema.describe(
            'One result per item, in order: the message id, or that item’s error',
          ),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return reply.code(202).send({ results: await queueBatch(deps, p, req.body.messages) });
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
