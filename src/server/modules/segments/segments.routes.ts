import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ContactPageSchema,
  IdParamsSchema,
  PageQuerySchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import {
  SegmentInputSchema,
  SegmentListSchema,
  SegmentPreviewInputSchema,
  SegmentPreviewSchema,
  SegmentSchema,
  SegmentUpdateSchema,
} from '../../../contracts/segments.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentContacts,
  listSegments,
  previewSegment,
  updateSegment,
  type SegmentsDeps,
} from './segments.service.ts';

const tags = ['segments'];

/** `/api/v1/segments`: named conditions over contacts. Every role previews and reads; admins manage. */
export async function segmentsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: SegmentsDeps = { db: ctx.db, clock: ctx.clock };

  r.post(
    '/api/v1/segments/preview',
    {
      schema: {
        tags,
        summary: 'Count the contacts a condition selects now, with the newest 20',
        body: SegmentPreviewInputSchema,
        response: { 200: SegmentPreviewSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return previewSegment(deps, p.workspaceId, req.body.condition);
    },
  );

  r.get(
    '/api/v1/segments',
    {
      schema: {
        tags,
        summary: 'Segments, by name',
        response: { 200: SegmentListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listSegments(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/segments',
    {
      schema: {
        tags,
        summary: 'Create a segment',
        body: SegmentInputSchema,
        response: { 201: SegmentSchema, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createSegment(deps, p.workspaceId, p.userId, req.body));
    },
  );

  r.get(
    '/api/v1/segments/:id',
    {
      schema: {
        tags,
        summary: 'A segment',
        params: IdParamsSchema,
        response: { 200: SegmentSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getSegment(deps, p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/segments/:id',
    {
      schema: {
        tags,
        summary: 'Rename a segment or change its condition',
        params: IdParamsSchema,
        body: SegmentUpdateSchema,
        response: { 200: SegmentSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateSegment(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/segments/:id',
    {
      schema: {
        tags,
        summary: 'Delete a segment',
        params: IdParamsSchema,
        response: { 204: z.null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteSegment(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/segments/:id/contacts',
    {
      schema: {
        tags,
        summary: "A page of the segment's contacts now, newest first",
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: ContactPageSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listSegmentContacts(deps, p.workspaceId, req.params.id, req.query);
    },
  );
}
