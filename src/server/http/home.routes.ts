import type { AppContext } from './context.ts';

/**
 * The landing page at `/` when the console has not been built (`npm run build:web`): static text and links
 * only (no customer content is ever rendered into HTML on the server).
 */
export function landingPage(ctx: AppContext): string {
  const simulator = ctx.simulator
    ? '<li>Simulator control API at <code>/simulator/control</code> (needs the control token printed at start)</li>'
    : '';
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Tsunagi つなぎ</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.6;color:#1f2933}code{background:#f1f5f9;padding:0 .25rem}</style></head>
<body><h1>Tsunagi つなぎ</h1><p>Self-hosted WhatsApp customer engagement. 自社サーバーで動く WhatsApp 顧客対応。</p>
<ul><li><a href="/api/openapi.json">REST API (OpenAPI 3.1)</a> — <code>/api/v1</code></li><li><a href="/healthz">Health</a> · <a href="/metrics">Metrics</a></li>${simulator}</ul>
<p>The agent console is not built yet: run <code>npm run build:web</code> (or restart with <code>npm start</code>, which builds it).</p></body></html>`;
}
