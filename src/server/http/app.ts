import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { authRoutes } from '../modules/auth/auth.routes.ts';
import { apiRoutes } from './api.routes.ts';
import { resolvePrincipal } from './auth.ts';
import type { AppContext } from './context.ts';
import { AppError } from '../lib/app-error.ts';
import { consoleRoutes } from './console.routes.ts';
import { eventsRoutes } from './events.routes.ts';
import { opsRoutes } from './ops.routes.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { registerRequestInput } from './request-input.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { campaignLinksRoutes } from '../modules/campaigns/campaign-links.routes.ts';

export interface HttpAppOptions {
  /** Extra route registrations (the built-in simulator, the console's static files). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

/**
 * Builds the Fastify app without listening, so tests use `inject()` or listen on port 0. Every API error has
 * the body `{ error: { code, message, details? } }` with a stable code.
 */
export async function createHttpApp(ctx: AppContext, opts: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // Forwarded headers (req.ip, req.protocol) are believed only from a proxy the operator named.
    trustProxy: ctx.config.trustProxy,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  registerRequestInput(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tsunagi API',
        version: '1.0.0',
        description: 'Self-hosted WhatsApp customer engagement: REST API v1',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'tsunagi_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // Puts shared (recursive) schemas such as the condition tree into components.schemas, where $refs point.
    transformObject: jsonSchemaTransformObject,
  });

  registerSecurityHeaders(app, ctx.config);
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/')) req.principal = await resolvePrincipal(ctx.db, ctx.clock, req);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply.code(err.httpStatus).send(err.toBody());
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      return reply
        .code(400)
        .send(
          new AppError(
            'validation_failed',
            `Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
            { issues },
          ).toBody(),
        );
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send(new AppError('payload_too_large', 'Request body too large').toBody());
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply
        .code(415)
        .send({ error: { code: 'validation_failed', message: 'Unsupported content type' } });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code =
        err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
        err instanceof SyntaxError
          ? 'invalid_json'
          : 'validation_failed';
      return reply.code(err.statusCode).send({ error: { code, message: err.message } });
    }
    ctx.logger.error({ err, url: req.url, method: req.method }, 'request failed');
    return reply.code(500).send(new AppError('internal', 'Internal error').toBody());
  });

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`).toBody()),
  );

  await app.register(async (scope) => webhookRoutes(scope, ctx));
  await app.register(async (scope) => opsRoutes(scope, ctx));
  await app.register(async (scope) => consoleRoutes(scope, ctx));
  await app.register(async (scope) => authRoutes(scope, ctx));
  await app.register(async (scope) => eventsRoutes(scope, ctx));
  // Public: a campaign's short links (/r/<code>), no session.
  await app.register(async (scope) => campaignLinksRoutes(scope, ctx));
  await app.register(async (scope) => apiRoutes(scope, ctx));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
