import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParamsSchema,
  InvitationInputSchema,
  InvitationSchema,
  UserListSchema,
  UserSchema,
  UserUpdateSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { PasswordResetLinkSchema } from '../../../contracts/auth.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { actorOf } from '../audit/audit.service.ts';
import { issuePasswordReset } from '../auth/passwords.service.ts';
import { publicOrigin } from '../../http/links.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { createInvitation } from './invitations.service.ts';
import { removeMember, listUsers, updateUser, type UsersDeps } from './users.service.ts';

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
        summary: "Change a member's role, deactivate or reactivate them in this workspace",
        params: IdParamsSchema,
        body: UserUpdateSchema,
        response: { 200: UserSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateUser(deps, p, req.params.id, req.body, actorOf(p, req));
    },
  );

  r.delete(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Remove a member from this workspace (their account and other workspaces stay)',
        params: IdParamsSchema,
        response: { 204: z.null(), ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await removeMember(deps, p, req.params.id, actorOf(p, req));
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/users/:id/password-reset',
    {
      schema: {
        tags,
        summary:
          "Issue a one-time link (24 h) to set a member's password; shown once, Tsunagi sends no e-mail",
        params: IdParamsSchema,
        response: { 201: PasswordResetLinkSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      const link = await issuePasswordReset(deps, p, req.params.id, {
        baseUrl: publicOrigin(ctx),
        who: actorOf(p, req),
      });
      return reply.code(201).send(link);
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
        actor: actorOf(p, req),
      });
      return reply.code(201).send(inv);
    },
  );
}
