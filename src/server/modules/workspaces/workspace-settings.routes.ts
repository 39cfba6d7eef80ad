import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../../contracts/api.schemas.ts';
import {
  WorkspaceSettingsSchema,
  WorkspaceSettingsUpdateSchema,
} from '../../../contracts/workspace-settings.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { changeWorkspaceSettings, getWorkspaceSettings } from './workspace-settings.service.ts';

const tags = ['workspace'];

/** `/api/v1/workspace/settings`: every role reads; owners and admins change. */
export async function workspaceSettingsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db };

  r.get(
    '/api/v1/workspace/settings',
    {
      schema: {
        tags,
        summary: "The workspace's settings",
        response: { 200: WorkspaceSettingsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getWorkspaceSettings(deps, p.workspaceId);
    },
  );

  r.patch(
    '/api/v1/workspace/settings',
    {
      schema: {
        tags,
        summary: "Change the workspace's settings (archiveInactiveAfterMonths: null turns archiving off)",
        body: WorkspaceSettingsUpdateSchema,
        response: { 200: WorkspaceSettingsSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return changeWorkspaceSettings(deps, p.workspaceId, req.body);
    },
  );
}
