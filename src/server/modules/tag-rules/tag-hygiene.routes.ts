import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../../contracts/api.schemas.ts';
import {
  TagActionResultSchema,
  TagConflictListInputSchema,
  TagConflictListSchema,
  TagHygieneSchema,
  TagMergeInputSchema,
  TagOnlyParamsSchema,
  TagResolveResultSchema,
} from '../../../contracts/tag-hygiene.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import { actorOf } from '../audit/audit.service.ts';
import { requirePermission, type Principal } from '../auth/principal.rules.ts';
import {
  deleteTag,
  listTagConflicts,
  mergeTags,
  resolveTagConflicts,
  setTagConflicts,
  tagHygieneReport,
  type TagHygieneDeps,
} from './tag-hygiene.service.ts';

const tags = ['tag-rules'];

/** The report is for owners, admins and analysts; agents tag contacts but get 403 here, as for analytics. */
function requireHygieneReader(p: Principal): void {
  requirePermission(p, 'read');
  if (p.role === 'agent')
    throw new AppError('forbidden', 'The agent role cannot read the tag hygiene report');
}

/**
 * `/api/v1/tags/hygiene`, `/tags/conflicts`, `/tags/conflicts/resolve`, `/tags/{tag}/delete`, `/tags/merge`: the
 * hygiene report (owners, admins, analysts) and its actions (owners and admins).
 */
export async function tagHygieneRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: TagHygieneDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/tags/hygiene',
    {
      schema: {
        tags,
        summary: 'Tags unused for 6 months, contacts with more than 15 tags, conflicting tags found together',
        response: { 200: TagHygieneSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireHygieneReader(p);
      return tagHygieneReport(deps, p.workspaceId);
    },
  );

  r.get(
    '/api/v1/tags/conflicts',
    {
      schema: {
        tags,
        summary: 'The pairs of tags declared conflicting',
        response: { 200: TagConflictListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requireHygieneReader(p);
      return listTagConflicts(deps, p.workspaceId);
    },
  );

  r.put(
    '/api/v1/tags/conflicts',
    {
      schema: {
        tags,
        summary: 'Declare the conflicting pairs (replaces the list); `keep` names the tag a resolve keeps',
        body: TagConflictListInputSchema,
        response: { 200: TagConflictListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return setTagConflicts(deps, p.workspaceId, actorOf(p, req), req.body);
    },
  );

  r.post(
    '/api/v1/tags/conflicts/resolve',
    {
      schema: {
        tags,
        summary: 'On contacts carrying both tags of a pair with `keep`, remove the other tag',
        response: { 200: TagResolveResultSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return resolveTagConflicts(deps, p.workspaceId, actorOf(p, req));
    },
  );

  r.post(
    '/api/v1/tags/:tag/delete',
    {
      schema: {
        tags,
        summary: 'Remove a tag from every contact (409 while a tag rule keeps it)',
        params: TagOnlyParamsSchema,
        response: { 200: TagActionResultSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return deleteTag(deps, p.workspaceId, actorOf(p, req), req.params.tag);
    },
  );

  r.post(
    '/api/v1/tags/merge',
    {
      schema: {
        tags,
        summary: 'Merge tag `from` into `to` on every contact (409 while a tag rule keeps `from`)',
        body: TagMergeInputSchema,
        response: { 200: TagActionResultSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return mergeTags(deps, p.workspaceId, actorOf(p, req), req.body);
    },
  );
}
