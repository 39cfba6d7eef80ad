import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParamsSchema,
  TeamInputSchema,
  TeamListSchema,
  TeamSchema,
  TeamUpdateSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { createTeam, deleteTeam, listTeams, updateTeam, type TeamsDeps } from './teams.service.ts';

const tags = ['teams'];

/** `/api/v1/teams`: groups of agents that conversations are routed to. Everyone reads; admins manage. */
export async function teamsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: TeamsDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/teams',
    { schema: { tags, summary: 'Teams and their members', response: { 200: TeamListSchema } } },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listTeams(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/teams',
    {
      schema: {
        tags,
        summary: 'Create a team',
        body: TeamInputSchema,
        response: { 201: TeamSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createTeam(deps, p.workspaceId, req.body));
    },
  );

  r.patch(
    '/api/v1/teams/:id',
    {
      schema: {
        tags,
        summary: 'Rename a team or replace its members',
        params: IdParamsSchema,
        body: TeamUpdateSchema,
        response: { 200: TeamSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateTeam(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/teams/:id',
    {
      schema: {
        tags,
        summary: 'Delete a team',
        params: IdParamsSchema,
        response: { 204: z.null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteTeam(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
