import type { AppContext } from './context.ts';

/**
 * The origin of every link Tsunagi hands out (invitation links now, password-reset links later):
 * `TSUNAGI_PUBLIC_URL`, else the address the server listens on, else `http://HOST:PORT` (an app that was
 * built but not started, as in tests). Never the request's Host or X-Forwarded-Host headers: anyone can send
 * those, and a link on `evil.example` would hand an invitation token to whoever owns that domain.
 */
export function publicOrigin(ctx: Pick<AppContext, 'config' | 'listenUrl'>): string {
  const base = ctx.config.publicUrl ?? ctx.listenUrl ?? `http://${ctx.config.host}:${ctx.config.port}`;
  return base.replace(/\/+$/, '');
}

/** An absolute link to `path` (which starts with `/`) on the console's public origin. */
export function publicLink(ctx: Pick<AppContext, 'config' | 'listenUrl'>, path: string): string {
  return `${publicOrigin(ctx)}${path}`;
}
