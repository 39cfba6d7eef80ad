import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  ContactErasedSchema,
  ContactPrivacyExportSchema,
} from '../../../contracts/contact-imports.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { actorOf } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { eraseContact, exportContactData, type ContactsPrivacyDeps } from './contacts-privacy.service.ts';

const tags = ['contacts'];

/** A data subject's requests (admins): everything about one contact, and erasure. */
export async function contactsPrivacyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ContactsPrivacyDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/contacts/:id/export',
    {
      schema: {
        tags,
        summary: 'Everything held about a contact (profile, tags, notes, events, conversations, messages)',
        params: IdParamsSchema,
        response: { 200: ContactPrivacyExportSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return exportContactData(deps, p.workspaceId, req.params.id, actorOf(p, req));
    },
  );

  r.post(
    '/api/v1/contacts/:id/erase',
    {
      schema: {
        tags,
        summary: 'Erase a contact with their conversations and messages (audited without personal data)',
        params: IdParamsSchema,
        response: { 200: ContactErasedSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return eraseContact(deps, p.workspaceId, req.params.id, actorOf(p, req));
    },
  );
}
