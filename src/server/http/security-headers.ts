import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

/** What an API (JSON) response may do if a browser ever renders it: nothing — no scripts, no framing. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** One year, the usual HSTS lifetime; no includeSubDomains, which would bind other hosts of the domain too. */
const HSTS = 'max-age=31536000';

/**
 * Headers every response carries unless its route set its own (the console's HTML sets a fuller CSP, media
 * downloads their own cache policy):
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY` everywhere;
 * - `Strict-Transport-Security` when `TSUNAGI_PUBLIC_URL` is https (browsers then refuse plain http);
 * - under `/api/`: `Cache-Control: no-store` (responses carry personal data: conversations, contacts, keys)
 *   and a CSP that forbids everything.
 * Server-Sent Event streams hijack the reply and set their own headers (`no-cache`).
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): void {
  const https = (config.publicUrl ?? '').startsWith('https://');
  app.addHook('onSend', async (req, reply, payload) => {
    const setDefault = (name: string, value: string) => {
      if (!reply.hasHeader(name)) reply.header(name, value);
    };
    setDefault('x-content-type-options', 'nosniff');
    setDefault('referrer-policy', 'same-origin');
    setDefault('x-frame-options', 'DENY');
    if (https) setDefault('strict-transport-security', HSTS);
    if (req.url.startsWith('/api/')) {
      setDefault('cache-control', 'no-store');
      setDefault('content-security-policy', API_CSP);
    }
    return payload;
  });
}
