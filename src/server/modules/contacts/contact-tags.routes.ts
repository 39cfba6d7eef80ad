import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ContactNoteListSchema,
  ContactNoteSchema,
  ContactSchema,
  IdParamsSchema,
  NoteInputSchema,
  TagListSchema,
  TagParamsSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  addContactNote,
  listContactNotes,
  listTags,
  setContactTag,
  type ContactTagsDeps,
} from './contact-tags.service.ts';

const tags = ['contacts'];

/** Tags (`PUT`/`DELETE /contacts/:id/tags/:tag`, `GET /tags`) and team notes on contacts. */
export async function contactTagsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ContactTagsDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/tags',
    {
      schema: {
        tags,
        summary: 'Tags in use, with how many contacts carry each',
        response: { 200: TagListSchema },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listTags(deps, p.workspaceId);
    },
  );

  for (const [method, add] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    r.route({
      method,
      url: '/api/v1/contacts/:id/tags/:tag',
      schema: {
        tags,
        summary: add ? 'Tag a contact (idempotent)' : 'Remove a tag from a contact (idempotent)',
        params: TagParamsSchema,
        response: { 200: ContactSchema, ...errorResponses(404) },
      },
      handler: async (req, reply) => {
        const p = requireAuth(req, reply);
        requirePermission(p, 'converse');
        return setContactTag(deps, p.workspaceId, req.params.id, req.params.tag, add);
      },
    });
  }

  r.get(
    '/api/v1/contacts/:id/notes',
    {
      schema: {
        tags,
        summary: "A contact's team notes, newest first",
        params: IdParamsSchema,
        response: { 200: ContactNoteListSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listContactNotes(deps, p.workspaceId, req.params.id);
    },
  );

  r.post(
    '/api/v1/contacts/:id/notes',
    {
      schema: {
        tags,
        summary: 'Add a team note to a contact (never sent to WhatsApp)',
        params: IdParamsSchema,
        body: NoteInputSchema,
        response: { 201: ContactNoteSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      const note = await addContactNote(deps, p.workspaceId, req.params.id, p.userId, req.body.body);
      return reply.code(201).send(note);
    },
  );
}
