import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from './context.ts';
import { landingPage } from './home.routes.ts';

/** Where `bin/build-console.js` writes the built console. */
export const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/web');

/**
 * The console's Content-Security-Policy: scripts, styles and everything else only from this origin (no inline
 * script, no eval), media previews from this origin or blob:/data: URLs made by the page, no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/** Console routes whose HTML is the single-page app (the client router takes over from there). */
const APP_PATHS = [
  '/',
  '/login',
  '/inbox',
  '/inbox/*',
  '/settings',
  '/settings/*',
  '/contacts',
  '/contacts/*',
  '/templates',
  '/analytics',
  '/campaigns',
  '/campaigns/*',
  '/invite/*',
  '/reset-password/*',
];

interface StaticFile {
  body: Buffer;
  type: string;
}

/** Every file of the build, read once: the build is small, and a fixed table rules out path traversal. */
function loadBuild(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const visit = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, entry.name);
      const r = `${rel}/${entry.name}`;
      if (entry.isDirectory()) visit(a, r);
      else
        files.set(r, {
          body: fs.readFileSync(a),
          type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
        });
    }
  };
  if (fs.existsSync(path.join(dir, 'index.html'))) visit(dir, '');
  return files;
}

function sendHtml(reply: FastifyReply, file: StaticFile): FastifyReply {
  return reply
    .type(file.type)
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .send(file.body);
}

/**
 * Serves the built console (`dist/web`) at `/`: the app's HTML for its client-side routes (no-cache, strict
 * CSP), hashed assets under `/assets/` cached for a year, and the customer-phone page at `/simulator` when the
 * built-in simulator runs. Without a build, `/` shows a landing page saying how to build it.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { dir?: string } = {},
): Promise<void> {
  const files = loadBuild(opts.dir ?? CONSOLE_DIR);
  const index = files.get('/index.html');
  const phone = files.get('/simulator.html');

  for (const url of APP_PATHS) {
    app.get(url, { schema: { hide: true } }, async (_req, reply) =>
      index
        ? sendHtml(reply, index)
        : reply
            .type('text/html; charset=utf-8')
            .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
            .send(landingPage(ctx)),
    );
  }
  if (ctx.simulator && phone) {
    app.get('/simulator', { schema: { hide: true } }, async (_req, reply) => sendHtml(reply, phone));
  }
  app.get('/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const file = files.get(req.url.split('?')[0] ?? '');
    if (!file) return reply.callNotFound();
    return reply
      .type(file.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(file.body);
  });
  const favicon = files.get('/favicon.svg');
  if (favicon)
    app.get('/favicon.svg', { schema: { hide: true } }, async (_req, reply) =>
      reply.type(favicon.type).header('cache-control', 'public, max-age=86400').send(favicon.body),
    );
}
