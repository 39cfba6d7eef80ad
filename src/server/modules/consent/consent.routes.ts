import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  ConsentChangeInputSchema,
  ConsentSettingsSchema,
  ContactConsentViewSchema,
} from '../../../contracts/consent.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  changeContactConsent,
  getConsentSettings,
  getContactConsent,
  putConsentSettings,
} from './consent.service.ts';

const tags = ['consent'];

/**
 * A contact's consent (state per purpose and history), changes recorded by people and integrations, and the
 * workspace's consent keywords. Anyone may read; agents (converse) record a customer's request; admins
 * (manage) change the keywords.
 */
export async function consentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/contacts/:id/consent',
    {
      schema: {
        tags,
        summary: "A contact's consent per purpose, with its history (newest first)",
        params: IdParamsSchema,
        response: { 200: ContactConsentViewSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getContactConsent(deps, p.workspaceId, req.params.id);
    },
  );

  r.post(
    '/api/v1/contacts/:id/consent',
    {
      schema: {
        tags,
        summary: 'Record a consent change (source console for a person, api for an API key)',
        params: IdParamsSchema,
        body: ConsentChangeInputSchema,
        response: { 200: ContactConsentViewSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return changeContactConsent(deps, p, req.params.id, req.body);
    },
  );

  r.get(
    '/api/v1/consent/settings',
    {
      schema: {
        tags,
        summary: 'The consent keywords and confirmation texts (ja/en defaults until saved)',
        response: { 200: ConsentSettingsSchema },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getConsentSettings(ctx.db, p.workspaceId);
    },
  );

  r.put(
    '/api/v1/consent/settings',
    {
      schema: {
        tags,
        summary: 'Replace the consent keywords and confirmation texts',
        body: ConsentSettingsSchema,
        response: { 200: ConsentSettingsSchema },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return putConsentSettings(deps, p.workspaceId, req.body);
    },
  );
}
