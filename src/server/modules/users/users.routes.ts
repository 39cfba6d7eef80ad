import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  IdParamsSchema,
  InvitationInputSchema,
  InvitationSchema,
  UserListSchema,
  UserSchema,
  UserUpdateSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { publicOrigin } from '../../http/links.ts';
import { requirePermission } from '../auth/principal.ts';
import { createInvitation } from './invitations.service.ts';
import { listUsers, updateUser, type UsersDeps } from './users.service.ts';

const tags = ['users'];

/** `/api/v1/users` (members and roles) and `/api/v1/invitations` (one-time sign-up links). Admins manage. */
export async function usersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: UsersDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Members of the workspace with their roles',
        response: { 200: UserListSchema },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listUsers(deps, p.workspaceId);
    },
  );

  r.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: "Change a member's role, deactivate or reactivate them",
        params: IdParamsSchema,
        body: UserUpdateSchema,
        response: { 200: UserSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateUser(deps, p, req.params.id, req.body);
    },
  );

  r.post(
    '/api/v1/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone: returns a one-time sign-up link valid for 7 days',
        body: InvitationInputSchema,
        response: { 201: InvitationSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      const inv = await createInvitation(deps, {
        ...req.body,
        workspaceId: p.workspaceId,
        invitedBy: p.userId,
        baseUrl: publicOrigin(ctx),
      });
      return reply.code(201).send(inv);
    },
  );
}
