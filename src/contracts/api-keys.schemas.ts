import { z } from 'zod';
import { RoleSchema } from './api.schemas.ts';

/**
 * API keys (`/api/v1/api-keys`): long-lived Bearer credentials for integrations, each with a role. Only a
 * key's SHA-256 is stored; its secret is returned once, when it is created or rotated.
 */

/** Who created a key: a user (console), another key (API), or null for the CLI (`tsunagi workspace create`). */
export const ApiKeyCreatorSchema = z
  .object({
    type: z.enum(['user', 'api_key']),
    id: z.string(),
    name: z.string(),
  })
  .nullable();

export const ApiKeyStatusSchema = z
  .enum(['active', 'expired', 'revoked'])
  .describe('revoked wins over expired; neither authenticates any more');

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  prefix: z.string().describe('The first characters of the secret (tsk_ and four more), to recognise it'),
  status: ApiKeyStatusSchema,
  createdAt: z.string(),
  createdBy: ApiKeyCreatorSchema,
  lastUsedAt: z.string().nullable().describe('Recorded at most once a minute'),
  expiresAt: z.string().nullable(),
  rotatedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyDto = z.infer<typeof ApiKeySchema>;

export const ApiKeyListSchema = z.object({ data: z.array(ApiKeySchema) });

/** A key with its secret: the answer to create and rotate, the only time the secret is shown. */
export const ApiKeyWithSecretSchema = ApiKeySchema.extend({
  secret: z.string().describe('tsk_…: send as Authorization: Bearer <secret>. Shown once; store it now'),
});
export type ApiKeyWithSecretDto = z.infer<typeof ApiKeyWithSecretSchema>;

export const ApiKeyNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const ApiKeyCreateSchema = z.object({
  name: ApiKeyNameSchema,
  role: RoleSchema.describe('At most your own role'),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the key stops working (ISO 8601, in the future); omitted = never'),
});
export type ApiKeyCreateInput = z.infer<typeof ApiKeyCreateSchema>;
