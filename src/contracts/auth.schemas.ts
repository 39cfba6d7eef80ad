import { z } from 'zod';

/** A new password: 10 to 1024 characters (long passphrases welcome; scrypt takes any length). */
export const NewPasswordSchema = z.string().min(10).max(1024);

export const PasswordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPasswordSchema,
});

/** A one-time password reset link, shown once to the admin who issued it (Tsunagi sends no e-mail). */
export const PasswordResetLinkSchema = z.object({
  url: z.string().describe('The one-time link to hand to the member (shown once)'),
  expiresAt: z.string(),
});

export const PasswordResetPreviewSchema = z.object({ email: z.string(), expiresAt: z.string() });

export const PasswordResetCompleteSchema = z.object({
  token: z.string().min(10).max(200),
  password: NewPasswordSchema,
});

export const ResetTokenParamsSchema = z.object({ token: z.string().min(10).max(200) });

const Role = z.enum(['owner', 'admin', 'agent', 'analyst']);

/** The answer of every call that signs in (login, accept-invite, reset-password, switch-workspace). */
export const SignedInSchema = z.object({
  csrfToken: z.string().describe('Send as X-CSRF-Token on state-changing requests of this session'),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), locale: z.string().nullable() }),
  workspace: z.object({ id: z.string(), name: z.string(), role: Role }),
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: Role })),
});
