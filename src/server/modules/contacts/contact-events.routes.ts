import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import { ATTRIBUTE_LIMITS, freeJsonObject } from '../../../contracts/free-json.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { contactEvents, recordContactEvent } from './contact-events.service.ts';

const EventSchema = z.object({
  id: z.string(),
  name: z.string(),
  at: z.string(),
  properties: z.record(z.string(), z.unknown()),
});

/**
 * `/api/v1/contacts/:id/events`: what a contact did elsewhere (order_placed, coupon_used…), recorded by
 * integrations; automation conditions (`event.order_placed within 7d`) and segments read them.
 */
export async function contactEventsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/contacts/:id/events',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Record an event of a contact',
        params: IdParamsSchema,
        body: z.object({
          name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _'),
          at: z.iso.datetime({ offset: true }).optional(),
          properties: freeJsonObject(ATTRIBUTE_LIMITS)
            .default({})
            .describe(
              'Free-form: at most 10 levels deep, 1,000 keys and items, strings of 10,000 characters',
            ),
        }),
        response: { 201: EventSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      const event = await recordContactEvent(ctx, p.workspaceId, req.params.id, req.body);
      return reply.code(201).send(event);
    },
  );

  r.get(
    '/api/v1/contacts/:id/events',
    {
      schema: {
        tags: ['contacts'],
        summary: "A contact's events, newest first (latest 200)",
        params: IdParamsSchema,
        response: { 200: z.object({ data: z.array(EventSchema) }), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return { data: await contactEvents(ctx, p.workspaceId, req.params.id) };
    },
  );
}
