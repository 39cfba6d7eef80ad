import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import type { SimulatorCore } from './core.ts';
import { GraphError, graphErrorBody, newFbtraceId } from './errors.ts';
import {
  authorizeNumber,
  bearerToken,
  createTemplate,
  editTemplate,
  deleteMedia,
  deleteTemplate,
  downloadMedia,
  getObject,
  listTemplates,
} from './graph-api.ts';
import { getBusinessProfile, updateBusinessProfile } from './business-profile.ts';
import { useOwnJsonParser } from './json-body.ts';
import { handleSend } from './send.service.ts';
import { listSubscribedApps, listWabaPhoneNumbers, subscribeApp, unsubscribeApp } from './waba-api.ts';

const version = z.string().regex(/^v\d+(\.\d+)?$/, 'must look like v23.0');
const numberParams = z.object({ version, pnid: z.string().min(1) });
const objectParams = z.object({ version, id: z.string().min(1) });
const wabaParams = z.object({ version, wabaId: z.string().min(1) });
const mediaQuery = z.looseObject({ phone_number_id: z.string().optional(), fields: z.string().optional() });
const templateQuery = z.looseObject({
  limit: z.coerce.number().int().min(1).max(1000).default(25),
  after: z.string().optional(),
  before: z.string().optional(),
  name: z.string().optional(),
  status: z.string().optional(),
  language: z.string().optional(),
  category: z.string().optional(),
  fields: z.string().optional(),
});
const wabaNumbersQuery = z.looseObject({
  limit: z.coerce.number().int().min(1).max(1000).default(25),
  after: z.string().optional(),
  fields: z.string().optional(),
});
const templateDeleteQuery = z.looseObject({ name: z.string().optional(), hsm_id: z.string().optional() });
const downloadQuery = z.looseObject({
  mid: z.string().optional(),
  ext: z.string().optional(),
  hash: z.string().optional(),
});

/** Parses a Graph request part; failures are Graph 100 errors naming the parameter. */
function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new GraphError(
    100,
    `Param ${issue?.path.map(String).join('.') ?? ''} is invalid: ${issue?.message ?? 'invalid'}`,
  );
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}

/** Renders any error thrown in the Graph context as a Graph error body, never as Fastify's own shape. */
export function sendGraphError(err: unknown, reply: FastifyReply): FastifyReply {
  const fe = err as Partial<FastifyError>;
  const g =
    err instanceof GraphError
      ? err
      : typeof fe.statusCode === 'number' && fe.statusCode < 500
        ? new GraphError(
            100,
            fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? `Unsupported Content-Type: ${fe.message ?? ''}`
              : (fe.message ?? 'Invalid request'),
          )
        : new GraphError(131000, 'Internal simulator error');
  if (g.httpStatus === 401)
    reply.header('www-authenticate', `OAuth "Facebook Platform" "invalid_token" "${g.message}"`);
  return reply.status(g.httpStatus).type('application/json').send(graphErrorBody(g));
}

/**
 * The fake Graph API: `/{version}/{pnid}/messages`, media upload/lookup/delete/download, templates,
 * `GET /{pnid}`, `GET /{waba}/phone_numbers` and `/{waba}/subscribed_apps`. Registered in its own encapsulated context so its JSON and multipart parsers and error
 * handler never leak into the host app.
 */
export async function graphRoutes(app: FastifyInstance, core: SimulatorCore, prefix: string): Promise<void> {
  useOwnJsonParser(app, () => new GraphError(100, 'Invalid JSON in request body'));
  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 1 } });
  app.setErrorHandler((err, _req, reply) => sendGraphError(err, reply));
  if (prefix !== '')
    app.setNotFoundHandler((req, reply) =>
      sendGraphError(new GraphError(100, `Unknown path components: ${req.url}`), reply),
    );
  app.addHook('onRequest', async () => {
    if (core.faults.latencyMs > 0) await sleep(core.clock, core.faults.latencyMs);
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-fb-trace-id', newFbtraceId());
  });

  const token = (req: FastifyRequest) => bearerToken(req.headers.authorization);
  const baseUrl = (req: FastifyRequest) => core.publicBaseUrl ?? `${req.protocol}://${req.host}${prefix}`;

  app.post('/:version/:pnid/messages', async (req) => {
    const p = parse(numberParams, req.params);
    const num = authorizeNumber(core, token(req), p.pnid, 'post');
    return handleSend(core, num, p.version, req.body);
  });

  app.post('/:version/:pnid/media', async (req) => {
    const p = parse(numberParams, req.params);
    const num = authorizeNumber(core, token(req), p.pnid, 'post');
    if (!req.isMultipart()) throw new GraphError(100, 'The parameter file is required.');
    let file: { bytes: Buffer; mime: string; filename: string } | undefined;
    const fields: Record<string, string> = {};
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname === 'file') file = { bytes, mime: part.mimetype, filename: part.filename };
      } else fields[part.fieldname] = String(part.value);
    }
    const product = fields.messaging_product ?? (req.query as Record<string, unknown>).messaging_product;
    if (product !== 'whatsapp') throw new GraphError(100, 'The parameter messaging_product is required.');
    if (!file) throw new GraphError(100, 'The parameter file is required.');
    const mime = file.mime !== 'application/octet-stream' ? file.mime : (fields.type ?? file.mime);
    return { id: core.media.put(num.phoneNumberId, file.bytes, mime, file.filename).id };
  });

  app.get('/:version/:id', async (req) => {
    const p = parse(objectParams, req.params);
    return getObject(core, token(req), p.id, baseUrl(req), parse(mediaQuery, req.query));
  });

  app.post('/:version/:id', async (req) => {
    const p = parse(objectParams, req.params);
    return editTemplate(core, token(req), p.id, req.body);
  });

  app.delete('/:version/:id', async (req) => {
    const p = parse(objectParams, req.params);
    return deleteMedia(core, token(req), p.id, parse(mediaQuery, req.query).phone_number_id);
  });

  app.get('/:version/:pnid/whatsapp_business_profile', async (req) => {
    const p = parse(numberParams, req.params);
    return getBusinessProfile(core, token(req), p.pnid, parse(mediaQuery, req.query).fields);
  });

  app.post('/:version/:pnid/whatsapp_business_profile', async (req) => {
    const p = parse(numberParams, req.params);
    return updateBusinessProfile(core, token(req), p.pnid, req.body);
  });

  app.get('/:version/:wabaId/message_templates', async (req) => {
    const p = parse(wabaParams, req.params);
    const q = parse(templateQuery, req.query);
    const fields = q.fields?.split(',').map((f) => f.trim());
    const selfUrl = `${baseUrl(req)}/${p.version}/${p.wabaId}/message_templates`;
    return listTemplates(core, token(req), p.wabaId, { ...q, fields }, selfUrl);
  });

  app.post('/:version/:wabaId/message_templates', async (req) => {
    const p = parse(wabaParams, req.params);
    return createTemplate(core, token(req), p.wabaId, req.body);
  });

  app.delete('/:version/:wabaId/message_templates', async (req) => {
    const p = parse(wabaParams, req.params);
    return deleteTemplate(core, token(req), p.wabaId, parse(templateDeleteQuery, req.query));
  });

  app.get('/:version/:wabaId/phone_numbers', async (req) => {
    const p = parse(wabaParams, req.params);
    const selfUrl = `${baseUrl(req)}/${p.version}/${p.wabaId}/phone_numbers`;
    return listWabaPhoneNumbers(core, token(req), p.wabaId, parse(wabaNumbersQuery, req.query), selfUrl);
  });

  app.get('/:version/:wabaId/subscribed_apps', async (req) => {
    const p = parse(wabaParams, req.params);
    return listSubscribedApps(core, token(req), p.wabaId);
  });

  app.post('/:version/:wabaId/subscribed_apps', async (req) => {
    const p = parse(wabaParams, req.params);
    return subscribeApp(core, token(req), p.wabaId, req.body);
  });

  app.delete('/:version/:wabaId/subscribed_apps', async (req) => {
    const p = parse(wabaParams, req.params);
    return unsubscribeApp(core, token(req), p.wabaId);
  });

  app.get('/whatsapp_business/attachments/', async (req, reply) => {
    const obj = downloadMedia(core, token(req), parse(downloadQuery, req.query));
    return reply.type(obj.mimeType).header('content-length', obj.bytes.length).send(obj.bytes);
  });
}

/** Drops undefined values, so optional properties stay absent under exactOptionalPropertyTypes-style typing. */
