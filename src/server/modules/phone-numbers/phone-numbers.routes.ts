import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParamsSchema,
  PhoneNumberInputSchema,
  PhoneNumberListSchema,
  PhoneNumberSchema,
  PhoneNumberUpdateSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  registerAndMirror,
  updateAndMirror,
  type PhoneNumbersApiDeps,
} from './phone-numbers-mirror.service.ts';
import { deletePhoneNumber, getPhoneNumber, listWorkspacePhoneNumbers } from './phone-numbers.service.ts';
import { actorOf } from '../audit/audit.service.ts';

const tags = ['phone-numbers'];

/** `/api/v1/phone-numbers`: the workspace's WhatsApp numbers. Writes need `manage`; the access token is write-only. */
export async function phoneNumbersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Read at call time: the composition root may attach the simulator after the routes are registered.
  const deps = (): PhoneNumbersApiDeps => ({
    db: ctx.db,
    clock: ctx.clock,
    secrets: ctx.secrets,
    graph: ctx.graph,
    mirror: ctx.simulator,
  });

  r.get(
    '/api/v1/phone-numbers',
    {
      schema: {
        tags,
        summary: 'List phone numbers',
        response: { 200: PhoneNumberListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return { data: await listWorkspacePhoneNumbers(deps(), p.workspaceId) };
    },
  );

  r.post(
    '/api/v1/phone-numbers',
    {
      schema: {
        tags,
        summary: 'Register a phone number (its ownership is verified with the Cloud API)',
        body: PhoneNumberInputSchema,
        response: { 201: PhoneNumberSchema, ...errorResponses(409, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await registerAndMirror(deps(), p.workspaceId, req.body, actorOf(p, req)));
    },
  );

  r.get(
    '/api/v1/phone-numbers/:id',
    {
      schema: {
        tags,
        summary: 'Get a phone number',
        params: IdParamsSchema,
        response: { 200: PhoneNumberSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getPhoneNumber(deps(), p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/phone-numbers/:id',
    {
      schema: {
        tags,
        summary: 'Update a phone number (a new token or WABA is verified with the Cloud API)',
        params: IdParamsSchema,
        body: PhoneNumberUpdateSchema,
        response: { 200: PhoneNumberSchema, ...errorResponses(404, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateAndMirror(deps(), p.workspaceId, req.params.id, req.body, actorOf(p, req));
    },
  );

  r.delete(
    '/api/v1/phone-numbers/:id',
    {
      schema: {
        tags,
        summary: 'Remove a phone number (its conversations and history are kept)',
        params: IdParamsSchema,
        response: { 204: z.null().describe('Removed'), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deletePhoneNumber(deps(), p.workspaceId, req.params.id, actorOf(p, req));
      return reply.code(204).send(null);
    },
  );
}
