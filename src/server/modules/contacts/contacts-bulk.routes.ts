import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  BulkActionCreatedSchema,
  BulkActionInputSchema,
  ContactBulkActionSchema,
} from '../../../contracts/contact-bulk.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { actorOf } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  cancelBulkAction,
  getBulkAction,
  startBulkAction,
  type ContactBulkDeps,
} from './contacts-bulk.service.ts';

const tags = ['contacts'];

/** Bulk actions on contacts (owners and admins): start one over ids, a segment or everyone; its progress; cancel it. */
export async function contactsBulkRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ContactBulkDeps = { db: ctx.db, clock: ctx.clock };

  r.post(
    '/api/v1/contacts/bulk',
    {
      schema: {
        tags,
        summary:
          'Add or remove a tag, set an attribute or opt out of marketing, on chosen contacts, a segment or everyone (in the background)',
        body: BulkActionInputSchema,
        response: { 202: BulkActionCreatedSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(202).send(await startBulkAction(deps, p.workspaceId, actorOf(p, req), req.body));
    },
  );

  r.get(
    '/api/v1/contacts/bulk/:id',
    {
      schema: {
        tags,
        summary: "A bulk action's progress and outcome",
        params: IdParamsSchema,
        response: { 200: ContactBulkActionSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return getBulkAction(deps, p.workspaceId, req.params.id);
    },
  );

  r.post(
    '/api/v1/contacts/bulk/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a queued or running bulk action (what its committed batches did stays)',
        params: IdParamsSchema,
        response: { 200: ContactBulkActionSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return cancelBulkAction(deps, p.workspaceId, actorOf(p, req), req.params.id);
    },
  );
}
