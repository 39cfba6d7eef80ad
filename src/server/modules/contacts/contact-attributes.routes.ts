import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  AttributeDefinitionInputSchema,
  AttributeDefinitionListSchema,
  AttributeDefinitionSchema,
  AttributeDefinitionUpdateSchema,
} from '../../../contracts/contact-attributes.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  createAttributeDefinition,
  deleteAttributeDefinitionById,
  listAttributeDefinitions,
  updateAttributeDefinitionById,
  type ContactAttributesDeps,
} from './contact-attributes.service.ts';

const tags = ['contacts'];

/** `/api/v1/contact-attributes`: the workspace's attribute schema (everyone reads, admins write). */
export async function contactAttributesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ContactAttributesDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/contact-attributes',
    {
      schema: {
        tags,
        summary: 'List the defined contact attributes',
        response: { 200: AttributeDefinitionListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listAttributeDefinitions(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/contact-attributes',
    {
      schema: {
        tags,
        summary:
          'Define a contact attribute (from then on attribute writes are checked against the definitions)',
        body: AttributeDefinitionInputSchema,
        response: { 201: AttributeDefinitionSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createAttributeDefinition(deps, p.workspaceId, req.body));
    },
  );

  r.patch(
    '/api/v1/contact-attributes/:id',
    {
      schema: {
        tags,
        summary: "Change an attribute's label or choices",
        params: IdParamsSchema,
        body: AttributeDefinitionUpdateSchema,
        response: { 200: AttributeDefinitionSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateAttributeDefinitionById(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/contact-attributes/:id',
    {
      schema: {
        tags,
        summary: 'Delete an attribute definition (stored values stay on contacts)',
        params: IdParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteAttributeDefinitionById(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
