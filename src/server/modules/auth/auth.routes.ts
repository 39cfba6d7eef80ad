import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AcceptInvitationSchema,
  InvitationPreviewSchema,
  MeSchema,
  MeUpdateSchema,
  SwitchWorkspaceSchema,
  errorResponses,
} from '../../../contracts/api.schemas.ts';
import {
  PasswordChangeSchema,
  PasswordResetCompleteSchema,
  PasswordResetPreviewSchema,
  ResetTokenParamsSchema,
  SignedInSchema,
} from '../../../contracts/auth.schemas.ts';
import { SESSION_COOKIE, readCookie, requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { acceptInvitation, previewInvitation } from '../users/invitations.service.ts';
import { describeMe, switchWorkspace, updateMe } from '../users/users.service.ts';
import { actorOf, requestOrigin } from '../audit/audit.service.ts';
import { changePassword, completePasswordReset, previewPasswordReset } from './passwords.service.ts';
import { login, logout, type LoginResult } from './sessions.service.ts';

const LoginBody = z.object({
  email: z.string().email().max(320),
  password: z.string().min(1).max(1024),
  workspaceId: z.string().uuid().optional(),
});

const tags = ['auth'];

/**
 * Console sign-in: a session cookie (HttpOnly, SameSite=Lax) plus a CSRF token for state-changing requests;
 * the signed-in user's profile and language; switching workspace; accepting an invitation.
 */
export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: ctx.db, clock: ctx.clock };

  /** Sets the session cookie and answers with what the console needs to start. */
  const signedIn = (reply: FastifyReply, result: LoginResult) => {
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
  };

  /** Ends the request's own session (after it was replaced by a new one). */
  const endCurrentSession = async (req: FastifyRequest) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token) await logout(ctx.db, token);
  };

  r.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in (throttled: 429 too_many_attempts with Retry-After)',
        body: LoginBody,
        response: { 200: SignedInSchema, ...errorResponses(429) },
      },
    },
    async (req, reply) => signedIn(reply, await login(deps, req.body, requestOrigin(req))),
  );

  r.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags,
        summary: 'Change your password (ends your other sessions)',
        body: PasswordChangeSchema,
        response: { 200: z.object({ ok: z.literal(true) }), ...errorResponses(429) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      await changePassword(
        deps,
        p,
        req.body,
        actorOf(p, req),
        readCookie(req.headers.cookie, SESSION_COOKIE),
      );
      return { ok: true as const };
    },
  );

  r.get(
    '/api/v1/password-resets/:token',
    {
      schema: {
        tags,
        summary: 'Whose password a reset link is for (no sign-in needed)',
        params: ResetTokenParamsSchema,
        response: { 200: PasswordResetPreviewSchema, ...errorResponses(404) },
      },
    },
    async (req) => previewPasswordReset(deps, req.params.token),
  );

  r.post(
    '/api/v1/auth/reset-password',
    {
      schema: {
        tags,
        summary: 'Set a new password from a one-time reset link and sign in (ends every other session)',
        body: PasswordResetCompleteSchema,
        response: { 200: SignedInSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const result = await completePasswordReset(deps, req.body, requestOrigin(req));
      await endCurrentSession(req);
      return signedIn(reply, result);
    },
  );

  r.post('/api/v1/auth/logout', { schema: { tags } }, async (req, reply) => {
    requireAuth(req, reply);
    await endCurrentSession(req);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return { ok: true };
  });

  r.get('/api/v1/auth/me', { schema: { tags, response: { 200: MeSchema } } }, async (req, reply) =>
    describeMe(deps, requireAuth(req, reply)),
  );

  r.patch(
    '/api/v1/auth/me',
    {
      schema: {
        tags,
        summary: 'Change your name or console language',
        body: MeUpdateSchema,
        response: { 200: MeSchema },
      },
    },
    async (req, reply) => updateMe(deps, requireAuth(req, reply), req.body),
  );

  r.post(
    '/api/v1/auth/switch-workspace',
    {
      schema: {
        tags,
        summary: 'Continue in another of your workspaces (new session)',
        body: SwitchWorkspaceSchema,
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      const result = await switchWorkspace(deps, p, req.body.workspaceId);
      await endCurrentSession(req);
      return signedIn(reply, result);
    },
  );

  r.get(
    '/api/v1/invitations/:token',
    {
      schema: {
        tags,
        summary: 'What an invitation link is for (no sign-in needed)',
        params: z.object({ token: z.string().min(10).max(200) }),
        response: { 200: InvitationPreviewSchema, ...errorResponses(404) },
      },
    },
    async (req) => previewInvitation(deps, req.params.token),
  );

  r.post(
    '/api/v1/auth/accept-invite',
    {
      schema: {
        tags,
        summary:
          'Accept an invitation: a new e-mail creates its account (name, password); an existing account must be signed in (401 sign_in_required)',
        body: AcceptInvitationSchema,
        response: { 200: SignedInSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      // A signed-in caller accepts into their own account: their session must pass the CSRF check.
      const signedInAs = req.principal ? requireAuth(req, reply) : null;
      const result = await acceptInvitation(deps, req.body, signedInAs, requestOrigin(req));
      if (signedInAs) await endCurrentSession(req);
      return signedIn(reply, result);
    },
  );
}
