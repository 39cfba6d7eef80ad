import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who may use the simulator's control API, and where it may send webhooks. The control API plays any
 * customer of any number and delivers webhooks signed with the app secret, so it needs a token, and a webhook
 * URL set through it must stay on the machine (or on the host Tsunagi), never reach an arbitrary address.
 */

/** A fresh random control token (URL-safe, 256 bits). */
export function newControlToken(): string {
  return `simctl_${randomBytes(32).toString('base64url')}`;
}

/** Compares a presented token with the expected one in constant time (both hashed, so lengths never leak). */
export function controlTokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === '') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

/** True for `localhost`, `[::1]` and 127.0.0.0/8. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The standalone simulator's webhook policy: http(s) on a loopback host only. */
export function loopbackWebhookUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

/** The embedded simulator's webhook policy: only the host Tsunagi's own origins (listen URL, public URL). */
export function sameOriginWebhookUrl(origins: () => string[]): (url: URL) => boolean {
  return (url) => origins().some((o) => new URL(o).origin === url.origin);
}
