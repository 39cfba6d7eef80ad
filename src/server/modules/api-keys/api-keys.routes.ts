import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ApiKeyCreateSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  ApiKeyWithSecretSchema,
} from '../../../contracts/api-keys.schemas.ts';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import {
  issueApiKey,
  keyActorOf,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  type ApiKeysDeps,
} from './api-keys.service.ts';

const tags = ['api-keys'];
const WHO =
  'Owners and admins; an API key only if it has the owner role. Nobody acts on a key above their own role.';

/** `/api/v1/api-keys`: list, create, rotate and revoke the workspace's API keys (see api-keys.rules.ts). */
export async function apiKeysRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: ApiKeysDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'API keys of the workspace (never their secrets), newest first',
        description: WHO,
        response: { 200: ApiKeyListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      return { data: await listApiKeys(deps, p.workspaceId, keyActorOf(p, req)) };
    },
  );

  r.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key: the answer holds its secret, shown this once',
        description: WHO,
        body: ApiKeyCreateSchema,
        response: { 201: ApiKeyWithSecretSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      return reply.code(201).send(await issueApiKey(deps, p.workspaceId, keyActorOf(p, req), req.body));
    },
  );

  r.post(
    '/api/v1/api-keys/:id/rotate',
    {
      schema: {
        tags,
        summary: 'Replace a key’s secret (same id, name, role, expiry); the old secret fails at once',
        description: WHO,
        params: IdParamsSchema,
        response: { 200: ApiKeyWithSecretSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      return rotateApiKey(deps, p.workspaceId, keyActorOf(p, req), req.params.id);
    },
  );

  r.post(
    '/api/v1/api-keys/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a key: it fails at once, open event streams end at their next check (idempotent)',
        description: WHO,
        params: IdParamsSchema,
        response: { 200: ApiKeySchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      return (await revokeApiKey(deps, p.workspaceId, keyActorOf(p, req), req.params.id)).apiKey;
    },
  );
}
