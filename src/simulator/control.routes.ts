import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FakeClock } from '../lib/clock.ts';
import {
  conversationsQuerySchema,
  numberBodySchema,
  numberQualityBodySchema,
  readBodySchema,
  sentQuerySchema,
  streamQuerySchema,
  templateBodySchema,
  templateQualityBodySchema,
  templateReviewBodySchema,
  templateStatusBodySchema,
  violationsQuerySchema,
  webhookBodySchema,
  webhookLogQuerySchema,
} from './control.schemas.ts';
import { controlTokenMatches } from './control-access.ts';
import type { SimulatorCore } from './core.ts';
import { faultsSchema } from './faults.ts';
import { ControlError } from './inbound.ts';
import { useOwnJsonParser } from './json-body.ts';
import { bearerToken } from './graph-api.ts';
import { streamFeed } from './stream.ts';
import type { Simulator } from './simulator.ts';
import type { BusinessNumber } from './state.ts';

const STATUS: Record<ControlError['code'], number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
};

/** Who may call the control API and where it may point webhooks. */
export interface ControlAccess {
  /** Required as `Authorization: Bearer <token>` (or `?token=` on `GET /stream`, which EventSource can't header). */
  token: string;
  /** Whether `POST /webhook` may send webhooks to this URL. */
  webhookUrlAllowed: (url: URL) => boolean;
}

/** A business number as the control API shows it: never its access token. */
export function publicNumber(n: BusinessNumber): Omit<BusinessNumber, 'accessToken'> {
  const { accessToken: _secret, ...rest } = n;
  return rest;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new ControlError('invalid_request', z.prettifyError(r.error));
  return r.data;
}

/**
 * The control API: how tests, benchmarks and the phone UI play the customers and inspect what the business
 * did. Errors use Tsunagi's `{ error: { code, message } }` body. Thin: each route parses and calls the
 * simulator.
 */
export async function controlRoutes(
  app: FastifyInstance,
  sim: Simulator,
  core: SimulatorCore,
  access: ControlAccess,
): Promise<void> {
  app.addHook('onRequest', async (req) => {
    const query = req.method === 'GET' && req.url.split('?')[0]?.endsWith('/stream') ? req.query : undefined;
    const fromQuery = (query as { token?: unknown } | undefined)?.token;
    const presented =
      bearerToken(req.headers.authorization) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
    if (!controlTokenMatches(presented, access.token))
      throw new ControlError('unauthorized', 'control token required (Authorization: Bearer <token>)');
  });
  useOwnJsonParser(app, () => new ControlError('invalid_request', 'Invalid JSON in request body'));
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ControlError)
      return reply.status(STATUS[err.code]).send({ error: { code: err.code, message: err.message } });
    const fe = err as Partial<FastifyError>;
    if (typeof fe.statusCode === 'number' && fe.statusCode < 500) {
      return reply
        .status(fe.statusCode)
        .send({ error: { code: 'invalid_request', message: fe.message ?? 'invalid request' } });
    }
    core.logger?.warn({ err: String(err) }, 'simulator: control API error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal simulator error' } });
  });

  app.post('/numbers', async (req) => publicNumber(sim.registerNumber(parse(numberBodySchema, req.body))));
  app.get('/numbers', async () => ({ numbers: sim.numbers().map(publicNumber) }));
  app.post('/numbers/quality', async (req) => {
    const { phoneNumberId, ...change } = parse(numberQualityBodySchema, req.body);
    return publicNumber(sim.setNumberQuality(phoneNumberId, change));
  });

  app.post('/inbound', async (req) => sim.inbound(req.body as Parameters<Simulator['inbound']>[0]));

  app.get('/sent', async (req) => {
    const { records, count } = sim.querySent(parse(sentQuerySchema, req.query));
    return { sent: records, count };
  });

  app.get('/violations', async (req) => {
    const violations = sim.violations(parse(violationsQuerySchema, req.query));
    return { violations, count: violations.length };
  });

  app.get('/conversations', async (req) => {
    const q = parse(conversationsQuerySchema, req.query);
    const messages = sim.conversation(q.phoneNumberId, q.customer);
    return { messages, count: messages.length };
  });

  app.get('/stream', async (req, reply) => {
    const { token: _token, ...q } = parse(streamQuerySchema, req.query);
    streamFeed(req, reply, sim, q);
  });

  app.get('/faults', async () => sim.faults());
  app.post('/faults', async (req) => sim.setFaults(parse(faultsSchema, req.body)));
  app.delete('/faults', async () => sim.resetFaults());

  app.post('/customers', async (req) => {
    sim.registerCustomers(req.body as Parameters<Simulator['registerCustomers']>[0]);
    return { success: true };
  });

  app.post('/opt-out', async (req) => {
    sim.optOut(req.body as Parameters<Simulator['optOut']>[0]);
    return { success: true };
  });

  app.post('/read', async (req) => {
    const b = parse(readBodySchema, req.body);
    if (!sim.customerRead(b.phoneNumberId, b.wamid)) {
      throw new ControlError('conflict', `message ${b.wamid} is unknown, failed, a reaction or already read`);
    }
    return { success: true };
  });

  app.post('/reset', async () => {
    await sim.reset();
    return { success: true };
  });

  app.post('/templates', async (req) => {
    const { wabaId, ...def } = parse(templateBodySchema, req.body);
    return sim.addTemplate(wabaId, def);
  });
  app.post('/templates/status', async (req) => {
    const b = parse(templateStatusBodySchema, req.body);
    return sim.setTemplateStatus(b.wabaId, b.name, b.language, b.status, b.reason);
  });
  app.post('/templates/quality', async (req) => {
    const b = parse(templateQualityBodySchema, req.body);
    return sim.setTemplateQuality(b.wabaId, b.name, b.language, b.score);
  });
  app.get('/templates/review', async () => sim.templateReview());
  app.post('/templates/review', async (req) =>
    sim.configureTemplateReview(parse(templateReviewBodySchema, req.body)),
  );

  app.post('/webhook', async (req) => {
    const b = parse(webhookBodySchema, req.body);
    if (!access.webhookUrlAllowed(new URL(b.url)))
      throw new ControlError(
        'invalid_request',
        'webhook URL must be on this machine (loopback) or the host Tsunagi',
      );
    sim.setWebhookUrl(b.url);
    const verified = b.verifyToken === undefined ? null : await sim.verifyWebhook(b.verifyToken);
    return { url: b.url, verified };
  });
  app.get('/webhooks', async (req) => ({
    deliveries: sim.webhookLog(parse(webhookLogQuerySchema, req.query).limit),
    stats: sim.webhookStats(),
  }));

  app.post('/flush', async () => {
    await sim.flush();
    return { success: true };
  });

  // Only when the simulator runs on a fake clock (browser end-to-end tests drive time through HTTP).
  app.post('/clock/advance', async (req) => {
    if (!(core.clock instanceof FakeClock))
      throw new ControlError('conflict', 'the simulator runs on the system clock');
    const { ms } = parse(
      z.strictObject({
        ms: z
          .number()
          .int()
          .min(0)
          .max(30 * 24 * 3600 * 1000),
      }),
      req.body,
    );
    core.clock.advance(ms);
    await sim.flush();
    return { now: core.clock.now().toISOString() };
  });
}
