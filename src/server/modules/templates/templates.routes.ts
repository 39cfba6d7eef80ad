import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../../contracts/api.schemas.ts';
import {
  TemplateCreateSchema,
  TemplateDeleteQuerySchema,
  TemplateDraftSchema,
  TemplateEditSchema,
  TemplateEventIdParamsSchema,
  TemplateEventListSchema,
  TemplateIdParamsSchema,
  TemplateLintResultSchema,
  TemplateListQuerySchema,
  TemplateListSchema,
  TemplateSchema,
  TemplateSyncResultSchema,
  TemplateSyncSchema,
} from '../../../contracts/template.schemas.ts';
import { lintPasses, lintTemplate } from '../../../contracts/template-lint.rules.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { actorOf } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  acknowledgeTemplateAlert,
  createTemplate,
  deleteTemplate,
  editTemplate,
  getTemplate,
  listTemplateAlerts,
  listTemplateEvents,
  listTemplates,
  syncTemplatesNow,
  type TemplatesDeps,
} from './templates.service.ts';

const tags = ['templates'];

/**
 * `/api/v1/templates`: the message templates of the workspace's WhatsApp Business Accounts. Every role reads and
 * lints; owners and admins submit, edit, delete, sync and acknowledge alerts.
 */
export async function templatesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Read at call time: in embedded mode `ctx.graph` points at the simulator only once the server listens.
  const deps = (): TemplatesDeps => ({
    db: ctx.db,
    clock: ctx.clock,
    graph: ctx.graph,
    secrets: ctx.secrets,
  });

  r.get(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary:
          "Templates of the workspace's WhatsApp Business Accounts (cached; filter by WABA, number, status, category, language, name)",
        querystring: TemplateListQuerySchema,
        response: { 200: TemplateListSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listTemplates(deps(), p.workspaceId, req.query);
    },
  );

  r.post(
    '/api/v1/templates/lint',
    {
      schema: {
        tags,
        summary: "Check a draft against WhatsApp's template rules without submitting it",
        body: TemplateDraftSchema,
        response: { 200: TemplateLintResultSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      const findings = lintTemplate(req.body);
      return { ok: lintPasses(findings), findings };
    },
  );

  r.post(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary:
          'Lint, then submit a template for review (stored PENDING; 422 template_invalid with findings)',
        body: TemplateCreateSchema,
        response: { 201: TemplateSchema, ...errorResponses(404, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createTemplate(deps(), p.workspaceId, actorOf(p, req), req.body));
    },
  );

  r.post(
    '/api/v1/templates/sync',
    {
      schema: {
        tags,
        summary: "Read the templates of one WABA (or all the workspace's) from WhatsApp now",
        body: TemplateSyncSchema,
        response: { 200: TemplateSyncResultSchema, ...errorResponses(404, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return syncTemplatesNow(deps(), p.workspaceId, req.body.wabaId);
    },
  );

  r.delete(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'Delete every language of a template name on a WABA',
        querystring: TemplateDeleteQuerySchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(404, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteTemplate(deps(), p.workspaceId, actorOf(p, req), req.query);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/templates/alerts',
    {
      schema: {
        tags,
        summary:
          'Template alerts not acknowledged yet (rejected, paused, disabled, quality down, recategorised)',
        response: { 200: TemplateEventListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listTemplateAlerts(deps(), p.workspaceId);
    },
  );

  r.post(
    '/api/v1/templates/alerts/:id/acknowledge',
    {
      schema: {
        tags,
        summary: 'Acknowledge a template alert',
        params: TemplateEventIdParamsSchema,
        response: { 204: z.null().describe('Acknowledged'), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await acknowledgeTemplateAlert(deps(), p.workspaceId, req.params.id, p.userId);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: "A template, by Meta's template id",
        params: TemplateIdParamsSchema,
        response: { 200: TemplateSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getTemplate(deps(), p.workspaceId, req.params.id);
    },
  );

  r.get(
    '/api/v1/templates/:id/events',
    {
      schema: {
        tags,
        summary: "A template's history: status, quality and category changes and edits",
        params: TemplateIdParamsSchema,
        response: { 200: TemplateEventListSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listTemplateEvents(deps(), p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'Edit components (replaced wholesale) or category; the template goes back to review',
        params: TemplateIdParamsSchema,
        body: TemplateEditSchema,
        response: { 200: TemplateSchema, ...errorResponses(404, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return editTemplate(deps(), p.workspaceId, actorOf(p, req), req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'Delete one translation of a template (by its id)',
        params: TemplateIdParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(404, 502) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteTemplate(deps(), p.workspaceId, actorOf(p, req), { id: req.params.id });
      return reply.code(204).send(null);
    },
  );
}
