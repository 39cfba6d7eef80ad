import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParamsSchema,
  InvitationSchema,
  PendingInvitationListSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { publicOrigin } from '../../http/links.ts';
import { actorOf } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  listPendingInvitations,
  reissueInvitationLink,
  revokeInvitation,
} from './invitations-admin.service.ts';

const tags = ['users'];

/** Pending invitations: list, a new link, revoke. Admins only (`manage`). */
export async function invitationsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/invitations',
    {
      schema: {
        tags,
        summary: 'Pending invitations (not accepted, not expired), newest first',
        response: { 200: PendingInvitationListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return { data: await listPendingInvitations(deps, p.workspaceId) };
    },
  );

  r.post(
    '/api/v1/invitations/:id/link',
    {
      schema: {
        tags,
        summary: 'A new one-time link for a pending invitation (the previous link stops working)',
        params: IdParamsSchema,
        response: { 201: InvitationSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      const inv = await reissueInvitationLink(deps, {
        workspaceId: p.workspaceId,
        id: req.params.id,
        baseUrl: publicOrigin(ctx),
        actor: actorOf(p, req),
      });
      return reply.code(201).send(inv);
    },
  );

  r.delete(
    '/api/v1/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a pending invitation (its link stops working)',
        params: IdParamsSchema,
        response: { 204: z.null().describe('Revoked'), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await revokeInvitation(deps, { workspaceId: p.workspaceId, id: req.params.id, actor: actorOf(p, req) });
      return reply.code(204).send(null);
    },
  );
}
