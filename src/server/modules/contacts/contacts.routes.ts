import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ContactDuplicatesSchema,
  ContactInputSchema,
  ContactListQuerySchema,
  ContactPageSchema,
  ContactSchema,
  ContactUpdateSchema,
  IdParamsSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  createContact,
  deleteContact,
  findDuplicateContacts,
  getContact,
  listContacts,
  updateContact,
  type ContactsDeps,
} from './contacts.service.ts';

const tags = ['contacts'];

/** `/api/v1/contacts`: search, create, read, update (agents) and delete (admins) contacts. */
export async function contactsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ContactsDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/contacts',
    {
      schema: {
        tags,
        summary: 'List or search contacts (newest first)',
        querystring: ContactListQuerySchema,
        response: { 200: ContactPageSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listContacts(deps, p.workspaceId, req.query);
    },
  );

  r.post(
    '/api/v1/contacts',
    {
      schema: {
        tags,
        summary: 'Create a contact',
        body: ContactInputSchema,
        response: { 201: ContactSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return reply.code(201).send(await createContact(deps, p.workspaceId, req.body, p));
    },
  );

  r.get(
    '/api/v1/contacts/:id/duplicates',
    {
      schema: {
        tags,
        summary: 'Contacts that may be the same person (another form of the number, the same name reading)',
        params: IdParamsSchema,
        response: { 200: ContactDuplicatesSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return findDuplicateContacts(deps, p.workspaceId, req.params.id);
    },
  );

  r.get(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Get a contact',
        params: IdParamsSchema,
        response: { 200: ContactSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getContact(deps, p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Update a contact (attributes are merged; null removes a key)',
        params: IdParamsSchema,
        body: ContactUpdateSchema,
        response: { 200: ContactSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return updateContact(deps, p.workspaceId, req.params.id, req.body, p);
    },
  );

  r.delete(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Delete a contact with its conversations and messages',
        params: IdParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteContact(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
