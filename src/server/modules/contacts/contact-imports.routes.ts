import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  ContactExportQuerySchema,
  ContactImportCreatedSchema,
  ContactImportQuerySchema,
  ContactImportSchema,
} from '../../../contracts/contact-imports.schemas.ts';
import { ContactSelectionExportSchema } from '../../../contracts/contact-bulk.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  getImport,
  importErrorsCsv,
  startImport,
  type ContactImportsDeps,
} from './contact-imports.service.ts';
import { exportContactsCsv } from './contacts-export.service.ts';

const tags = ['contacts'];

/**
 * CSV transfer of contacts (admins): `POST /api/v1/contacts/imports` (the body streamed, whatever its size or
 * content type), its progress and error report, `GET /api/v1/contacts/export` and the export of chosen contacts
 * (`POST /api/v1/contacts/export`).
 */
export async function contactImportsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const deps: ContactImportsDeps = { db: ctx.db, clock: ctx.clock };

  // Its own scope: the body is not parsed (nor limited to the app's 1 MiB) but handed over as the request stream.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/contacts/imports',
      {
        schema: {
          tags,
          summary: 'Import contacts from a CSV body (streamed; processed in the background)',
          description:
            'Columns phone, name, tags (;-separated), consent (opted_in/opted_out), attr.<key>, or any headers ' +
            'named by `mapping`. Encoding: UTF-8 (BOM or not), UTF-16 with a BOM, or Shift_JIS, detected.',
          consumes: ['text/csv'],
          querystring: ContactImportQuerySchema,
          response: { 202: ContactImportCreatedSchema, ...errorResponses() },
        },
      },
      async (req, reply) => {
        const p = requireAuth(req, reply);
        requirePermission(p, 'manage');
        const body = (req.body as Readable | undefined) ?? req.raw;
        return reply.code(202).send(await startImport(deps, p.workspaceId, body, req.query));
      },
    );
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/contacts/imports/:id',
    {
      schema: {
        tags,
        summary: "An import's progress, counts and first row errors",
        params: IdParamsSchema,
        response: { 200: ContactImportSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return getImport(deps, p.workspaceId, req.params.id);
    },
  );

  r.get(
    '/api/v1/contacts/imports/:id/errors.csv',
    {
      schema: {
        tags,
        summary: "An import's row errors as CSV (row, column, code, message)",
        params: IdParamsSchema,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV, UTF-8 with a BOM'), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      const csv = await importErrorsCsv(deps, p.workspaceId, req.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${req.params.id}-errors.csv"`)
        .send(csv);
    },
  );

  r.get(
    '/api/v1/contacts/export',
    {
      schema: {
        tags,
        summary: 'Export contacts as CSV (streamed; UTF-8 with a BOM or Shift_JIS)',
        querystring: ContactExportQuerySchema,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV in the import format'), ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      const chunks = await exportContactsCsv(deps, p.workspaceId, req.query);
      return sendCsv(reply, req.query.encoding, chunks);
    },
  );

  r.post(
    '/api/v1/contacts/export',
    {
      schema: {
        tags,
        summary: 'Export chosen contacts (at most 1,000 ids) as CSV, as GET /contacts/export writes it',
        body: ContactSelectionExportSchema,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV in the import format'), ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      const chunks = await exportContactsCsv(deps, p.workspaceId, req.body);
      return sendCsv(reply, req.body.encoding, chunks);
    },
  );
}

/** Sends an export's CSV stream as the `contacts.csv` attachment in its encoding. */
function sendCsv(reply: FastifyReply, encoding: 'utf-8' | 'shift_jis', chunks: AsyncGenerator<Buffer>) {
  const charset = encoding === 'shift_jis' ? 'Shift_JIS' : 'utf-8';
  return (
    reply
      .header('content-type', `text/csv; charset=${charset}`)
      .header('content-disposition', 'attachment; filename="contacts.csv"')
      // The 200 schema documents the body; the body itself is the stream (Fastify does not serialise streams).
      .send(Readable.from(chunks) as unknown as string)
  );
}
