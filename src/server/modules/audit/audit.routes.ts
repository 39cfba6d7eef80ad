import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../../contracts/api.schemas.ts';
import { AuditLogPageSchema, AuditLogQuerySchema } from '../../../contracts/audit.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { listAuditLog } from './audit.service.ts';

/** `GET /api/v1/audit-log`: the workspace's audit log for owners and admins, newest first. */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who did what, when and from where in this workspace (owners and admins)',
        querystring: AuditLogQuerySchema,
        response: { 200: AuditLogPageSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return listAuditLog({ db: ctx.db }, p.workspaceId, req.query);
    },
  );
}
