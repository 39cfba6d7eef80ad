import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  BusinessProfileSchema,
  ConnectionTestSchema,
  IdParamsSchema,
  MediaUploadSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  getBusinessProfile,
  testConnection,
  updateBusinessProfile,
  uploadMedia,
  type NumberGraphDeps,
} from './phone-numbers-graph.service.ts';

/** WhatsApp's largest media (documents) is 100 MB; the console's uploads are capped lower to keep memory sane. */
const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/**
 * Cloud API calls made for a number of the workspace: test connection, business profile, media
 * upload (multipart `file` + `phoneNumberId` → a WhatsApp media id).
 */
export async function phoneNumbersGraphRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Read at call time: in embedded mode the composition root points `ctx.graph` at the simulator only once
  // the server listens, after the routes are registered.
  const deps = (): NumberGraphDeps => ({
    db: ctx.db,
    clock: ctx.clock,
    graph: ctx.graph,
    secrets: ctx.secrets,
  });

  r.post(
    '/api/v1/phone-numbers/:id/test',
    {
      schema: {
        tags: ['phone-numbers'],
        summary: 'Test the connection: read the number from the Cloud API with its stored token',
        params: IdParamsSchema,
        response: { 200: ConnectionTestSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return testConnection(deps(), p.workspaceId, req.params.id);
    },
  );

  r.get(
    '/api/v1/phone-numbers/:id/profile',
    {
      schema: {
        tags: ['phone-numbers'],
        summary: 'The WhatsApp business profile customers see',
        params: IdParamsSchema,
        response: { 200: BusinessProfileSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getBusinessProfile(deps(), p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/phone-numbers/:id/profile',
    {
      schema: {
        tags: ['phone-numbers'],
        summary: 'Change business profile fields (about, address, description, email, websites, vertical)',
        params: IdParamsSchema,
        body: BusinessProfileSchema,
        response: { 200: BusinessProfileSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateBusinessProfile(deps(), p.workspaceId, req.params.id, req.body);
    },
  );

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5 } });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/media',
      {
        bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024,
        schema: {
          tags: ['messages'],
          summary:
            'Upload a file for sending (multipart: file, phoneNumberId); returns the WhatsApp media id',
          consumes: ['multipart/form-data'],
          response: { 201: MediaUploadSchema, ...errorResponses(404) },
        },
      },
      async (req, reply) => {
        const p = requireAuth(req, reply);
        requirePermission(p, 'converse');
        if (!req.isMultipart())
          throw new AppError('validation_failed', 'Send multipart/form-data with a file');
        let file: { bytes: Buffer; mimeType: string; filename: string } | undefined;
        let phoneNumberId: string | undefined;
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            const bytes = await part.toBuffer();
            if (part.file.truncated) throw new AppError('payload_too_large', 'The file is larger than 16 MB');
            file = { bytes, mimeType: part.mimetype, filename: part.filename || 'file' };
          } else if (part.fieldname === 'phoneNumberId') phoneNumberId = String(part.value);
        }
        const id = IdParamsSchema.shape.id.safeParse(phoneNumberId);
        if (!file || !id.success)
          throw new AppError('validation_failed', 'A file and a phoneNumberId (uuid) are required', {
            issues: [{ path: file ? '/phoneNumberId' : '/file', message: 'required' }],
          });
        return reply.code(201).send(await uploadMedia(deps(), p.workspaceId, id.data, file));
      },
    );
  });
}
