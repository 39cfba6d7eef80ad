import { actorOf } from '../audit/audit.service.ts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import { AutomationInsightSchema, DryRunResultSchema } from '../../../contracts/automation.schemas.ts';
import { DOCUMENT_LIMITS, INT4_MAX, freeJsonObject } from '../../../contracts/free-json.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  getAutomation,
  listVersions,
  rollbackAutomation,
  saveAutomation,
  setAutomationEnabled,
  type AutomationConfigDeps,
} from './automation-config.service.ts';
import { dryRun } from './automation-dry-run.service.ts';
import { resumeAutomation } from './automation-runtime.service.ts';
import { automationInsight } from './automation-insight.service.ts';
import { setPresence } from '../users/presence.service.ts';

const tags = ['automation'];
const Document = freeJsonObject(DOCUMENT_LIMITS).describe(
  'The automation document (see docs/automation.md); at most 20 levels deep, 50,000 keys and items',
);
const StateSchema = z.object({
  enabled: z.boolean(),
  version: z.number(),
  config: Document,
  updatedAt: z.string().nullable(),
});

/**
 * `/api/v1/automation`: the workspace's automation document (read by everyone, changed by admins), its
 * versions and rollback, the dry-run tester and insight; `/api/v1/presence`: an agent's availability.
 */
export async function automationRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: AutomationConfigDeps = { db: ctx.db, clock: ctx.clock, cache: ctx.automationCache };

  r.get(
    '/api/v1/automation',
    { schema: { tags, summary: 'The active automation document', response: { 200: StateSchema } } },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getAutomation(deps, p.workspaceId);
    },
  );

  r.put(
    '/api/v1/automation',
    {
      schema: {
        tags,
        summary: 'Save the automation document as a new version (422 invalid_automation lists every error)',
        body: z.object({
          config: Document,
          note: z.string().max(500).optional(),
          enabled: z.boolean().optional(),
        }),
        response: { 200: StateSchema, ...errorResponses(422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return saveAutomation(deps, {
        workspaceId: p.workspaceId,
        authorUserId: p.userId,
        config: req.body.config,
        note: req.body.note,
        enabled: req.body.enabled,
        actor: actorOf(p, req),
      });
    },
  );

  r.patch(
    '/api/v1/automation',
    {
      schema: {
        tags,
        summary: 'Turn automation on or off',
        body: z.object({ enabled: z.boolean() }),
        response: { 200: StateSchema },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return setAutomationEnabled(deps, p.workspaceId, req.body.enabled);
    },
  );

  r.get(
    '/api/v1/automation/versions',
    {
      schema: {
        tags,
        summary: 'Saved versions, newest first',
        response: {
          200: z.object({
            data: z.array(
              z.object({
                version: z.number(),
                authorUserId: z.string().nullable(),
                note: z.string().nullable(),
                createdAt: z.string(),
                active: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listVersions(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/automation/rollback',
    {
      schema: {
        tags,
        summary: "Activate an old version's document again (saved as a new version)",
        body: z.object({ version: z.number().int().min(1).max(INT4_MAX) }),
        response: { 200: StateSchema, ...errorResponses(404, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return rollbackAutomation(deps, {
        workspaceId: p.workspaceId,
        authorUserId: p.userId,
        version: req.body.version,
        actor: actorOf(p, req),
      });
    },
  );

  r.post(
    '/api/v1/automation/dry-run',
    {
      schema: {
        tags,
        summary:
          'What would happen if a customer sent this message to this number at this time (nothing is sent)',
        body: z.object({
          text: z.string().max(4096),
          phoneNumberId: z.uuid(),
          at: z.iso.datetime({ offset: true }).optional(),
          contactId: z.uuid().optional(),
          firstMessage: z.boolean().optional(),
          config: Document.optional().describe('An unsaved draft to test instead of the active document'),
        }),
        response: { 200: DryRunResultSchema, ...errorResponses(404, 422) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      // POST for the body's size, but it only reads: agents may try it too.
      if (req.body.config !== undefined) requirePermission(p, 'manage');
      return dryRun(deps, p.workspaceId, req.body);
    },
  );

  r.get(
    '/api/v1/automation/insight',
    {
      schema: {
        tags,
        summary: 'Top rules and keywords, unmatched questions, the share handled by automation',
        querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(7) }),
        response: { 200: AutomationInsightSchema },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return automationInsight(deps, p.workspaceId, req.query.days);
    },
  );

  r.post(
    '/api/v1/conversations/:id/automation/resume',
    {
      schema: {
        tags,
        summary: 'Let automation answer this conversation again (after a handoff or the loop guard)',
        params: IdParamsSchema,
        response: { 200: z.object({ resumed: z.boolean() }), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'converse');
      return {
        resumed: await resumeAutomation(
          deps,
          { workspaceId: p.workspaceId, userId: p.userId },
          req.params.id,
        ),
      };
    },
  );

  r.put(
    '/api/v1/presence',
    {
      schema: {
        tags: ['users'],
        summary:
          'Set your availability (the console calls this every minute while open); online agents get assignments',
        body: z.object({ availability: z.enum(['online', 'away', 'offline']) }),
        response: { 200: z.object({ availability: z.string(), lastSeenAt: z.string() }) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      return setPresence(ctx, p, req.body.availability);
    },
  );
}
