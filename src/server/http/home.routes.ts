import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';

/**
 * The landing page at `/` until the console is served there: static text and links only (no customer
 * content is ever rendered into HTML on the server).
 */
export async function homeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    const simulator = ctx.simulator
      ? '<li><a href="/simulator/control/numbers">Simulator control API</a> (<code>/simulator/control</code>)</li>'
      : '';
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(`<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Tsunagi つなぎ</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.6;color:#1f2933}code{background:#f1f5f9;padding:0 .25rem}</style></head>
<body><h1>Tsunagi つなぎ</h1><p>Self-hosted WhatsApp customer engagement. 自社サーバーで動く WhatsApp 顧客対応。</p>
<ul><li><a href="/api/openapi.json">REST API (OpenAPI 3.1)</a> — <code>/api/v1</code></li><li><a href="/healthz">Health</a> · <a href="/metrics">Metrics</a></li>${simulator}</ul>
<p>The agent console is served here once built (see the README).</p></body></html>`);
  });
}
