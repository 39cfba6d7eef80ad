import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../lib/crypto.ts';
import { verifySignature } from '../whatsapp/signature.ts';
import type { AppContext } from './context.ts';
import { AppError } from '../lib/app-error.ts';

/** Meta sends payloads up to 3 MB (reference §3.2); anything larger is refused with 413 before it is read. */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

/**
 * The Cloud API webhook receiver. GET answers the verification handshake; POST verifies
 * `X-Hub-Signature-256` over the raw bytes (constant time), journals the body durably, and only then answers
 * 200. Processing happens asynchronously in the ingest workers.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Raw bytes: the signature covers the exact body, so it must not be parsed and re-serialised first.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/webhooks/whatsapp', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    // Constant time: the verify token is a shared secret, and `===` returns sooner the earlier strings differ.
    if (q['hub.mode'] === 'subscribe' && safeEqual(q['hub.verify_token'], ctx.verifyToken)) {
      return reply.type('text/plain').send(q['hub.challenge'] ?? '');
    }
    throw new AppError('forbidden', 'Webhook verification failed');
  });

  app.post('/webhooks/whatsapp', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
    const started = process.hrtime.bigint();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!ctx.appSecret) {
      ctx.metrics.webhookEvents.inc({ result: 'no_secret' });
      throw new AppError('unavailable', 'WHATSAPP_APP_SECRET is not configured; webhooks cannot be verified');
    }
    if (!verifySignature(ctx.appSecret, body, req.headers['x-hub-signature-256'])) {
      ctx.metrics.webhookEvents.inc({ result: 'bad_signature' });
      throw new AppError('invalid_signature', 'X-Hub-Signature-256 is missing or does not match the body');
    }
    await ctx.journal.append(body, true);
    ctx.metrics.webhookEvents.inc({ result: 'journaled' });
    ctx.metrics.webhookAck.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return reply.code(200).type('text/plain').send('OK');
  });
}
