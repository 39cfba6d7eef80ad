import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../http/context.ts';
import { followLink, RedirectRateLimiter } from './campaign-links.service.ts';

/** Requests per client address per minute on the redirect. */
const REDIRECTS_PER_MINUTE = 60;

/** The page of an unknown or malformed code: static text that says nothing about why. */
const NOT_FOUND_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>404</title></head>
<body><p>This link is not valid. / このリンクは無効です。</p></body></html>`;

/**
 * `GET /r/<code>`: the public short link of a campaign message (no session, no API key: the unguessable code is
 * the capability). 302 to the destination; a person's GET records a click, a link preview's fetch or a HEAD only
 * redirects. Unknown codes get the same plain 404 page whatever the reason. Rate-limited per client address.
 */
export async function campaignLinksRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db, clock: ctx.clock };
  const limiter = new RedirectRateLimiter(REDIRECTS_PER_MINUTE, 60_000);
  r.get(
    '/r/:code',
    { schema: { hide: true, params: z.object({ code: z.string() }) } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (!limiter.allow(req.ip, ctx.clock.nowMs()))
        return reply
          .code(429)
          .header('retry-after', '60')
          .type('text/plain; charset=utf-8')
          .send('Too many requests');
      const url = await followLink(deps, {
        code: req.params.code,
        method: req.method,
        userAgent: req.headers['user-agent'],
      });
      if (!url) return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
      return reply.redirect(url, 302);
    },
  );
}
