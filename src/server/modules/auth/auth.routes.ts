import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, readCookie, requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { login, logout } from './sessions.service.ts';

const LoginBody = z.object({
  email: z.string().email().max(320),
  password: z.string().min(1).max(1024),
  workspaceId: z.string().uuid().optional(),
});

/** Console sign-in: a session cookie (HttpOnly, SameSite=Lax) plus a CSRF token for state-changing requests. */
export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/api/v1/auth/login', { schema: { tags: ['auth'], body: LoginBody } }, async (req, reply) => {
    const result = await login(ctx.db, ctx.clock, req.body);
    const secure = (ctx.config.publicUrl ?? '').startsWith('https://') ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${encodeURIComponent(result.token)}; Path=/; HttpOnly; SameSite=Lax; Expires=${result.expiresAt.toUTCString()}${secure}`,
    );
    return {
      csrfToken: result.csrfToken,
      user: result.user,
      workspace: result.workspace,
      workspaces: result.workspaces,
    };
  });

  r.post('/api/v1/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    requireAuth(req, reply);
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token) await logout(ctx.db, token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return { ok: true };
  });

  r.get('/api/v1/auth/me', { schema: { tags: ['auth'] } }, async (req, reply) => {
    const p = requireAuth(req, reply);
    return {
      workspaceId: p.workspaceId,
      role: p.role,
      kind: p.kind,
      userId: p.userId,
      csrfToken: p.csrfToken,
    };
  });
}
