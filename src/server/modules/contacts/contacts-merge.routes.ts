import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  ContactMergeInputSchema,
  ContactMergeListSchema,
  ContactMergeSchema,
} from '../../../contracts/contact-merges.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { actorOf } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  listContactMerges,
  mergeContacts,
  undoContactMerge,
  type ContactMergeDeps,
} from './contacts-merge.service.ts';

const tags = ['contacts'];

/** Contact merges (owners and admins): merge a duplicate into a contact, undo a merge, a contact's merges. */
export async function contactsMergeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ContactMergeDeps = { db: ctx.db, clock: ctx.clock };

  r.post(
    '/api/v1/contacts/:id/merge',
    {
      schema: {
        tags,
        summary:
          'Merge another contact into this one (the survivor): conversations, tags, attributes, consent, notes, events and campaign rows move; the source is kept, marked merged',
        params: IdParamsSchema,
        body: ContactMergeInputSchema,
        response: { 200: ContactMergeSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return mergeContacts(deps, p.workspaceId, req.params.id, req.body.sourceContactId, actorOf(p, req));
    },
  );

  r.post(
    '/api/v1/contacts/merges/:mergeId/undo',
    {
      schema: {
        tags,
        summary: 'Undo a merge: exactly what it moved goes back (what was added to the survivor since stays)',
        params: z.object({ mergeId: z.uuid() }),
        response: { 200: ContactMergeSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return undoContactMerge(deps, p.workspaceId, req.params.mergeId, actorOf(p, req));
    },
  );

  r.get(
    '/api/v1/contacts/:id/merges',
    {
      schema: {
        tags,
        summary: 'The merges a contact took part in (as survivor or as merged contact), newest first',
        params: IdParamsSchema,
        response: { 200: ContactMergeListSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listContactMerges(deps, p.workspaceId, req.params.id);
    },
  );
}
