import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  IdParamsSchema,
  PhoneNumberSchema,
  TestMessageInputSchema,
  TestMessageResultSchema,
  WebhookSubscriptionSchema,
  WhatsAppSetupSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { publicOrigin } from '../../http/links.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import type { NumberGraphDeps } from './phone-numbers-graph.service.ts';
import {
  refreshNumberHealth,
  sendTestMessage,
  subscribeWebhooks,
  whatsappSetup,
} from './phone-numbers-setup.service.ts';

const tags = ['phone-numbers'];

/**
 * Connecting a real number, step by step: the webhook settings to paste into Meta, subscribing the app to the
 * WABA's webhooks, a test message, the number's health. All need `manage` (the verify token is a secret).
 */
export async function phoneNumbersSetupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Read at call time: the composition root may point `ctx.graph` at the simulator after registration.
  const deps = (): NumberGraphDeps => ({
    db: ctx.db,
    clock: ctx.clock,
    graph: ctx.graph,
    secrets: ctx.secrets,
  });

  r.get(
    '/api/v1/whatsapp/setup',
    {
      schema: {
        tags,
        summary: "What to paste into Meta's app settings: the webhook callback URL and verify token",
        response: { 200: WhatsAppSetupSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      requirePermission(requireAuth(req, reply), 'manage');
      return whatsappSetup({
        origin: publicOrigin(ctx),
        verifyToken: ctx.verifyToken,
        appSecret: ctx.appSecret,
        simulator: ctx.simulator !== null,
      });
    },
  );

  r.post(
    '/api/v1/phone-numbers/:id/subscribe',
    {
      schema: {
        tags,
        summary: "Subscribe this app to the number's WABA webhooks (POST /{waba}/subscribed_apps)",
        params: IdParamsSchema,
        response: { 200: WebhookSubscriptionSchema, ...errorResponses(404, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return subscribeWebhooks(deps(), p.workspaceId, req.params.id);
    },
  );

  r.post(
    '/api/v1/phone-numbers/:id/health',
    {
      schema: {
        tags,
        summary: 'Read the quality rating, throughput and messaging tier from the Cloud API and store them',
        params: IdParamsSchema,
        response: { 200: PhoneNumberSchema, ...errorResponses(404, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return refreshNumberHealth(deps(), p.workspaceId, req.params.id);
    },
  );

  r.post(
    '/api/v1/phone-numbers/:id/test-message',
    {
      schema: {
        tags,
        summary:
          'Send a test message (an approved template, hello_world by default) through the normal send path',
        params: IdParamsSchema,
        body: TestMessageInputSchema,
        response: { 202: TestMessageResultSchema, ...errorResponses(404, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(202).send(await sendTestMessage(deps(), p, req.params.id, req.body));
    },
  );
}
