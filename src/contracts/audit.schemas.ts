import { z } from 'zod';

/**
 * Every action the audit log records: a closed set, so the console can name each one and a filter can only
 * ask for something that exists. Modules add theirs here when they start recording them.
 */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.password_changed',
  'auth.password_reset_issued',
  'auth.password_reset_completed',
  'account.deactivated',
  'account.reactivated',
  'member.joined',
  'member.role_changed',
  'member.deactivated',
  'member.reactivated',
  'member.removed',
  'invitation.created',
  'invitation.link_reissued',
  'invitation.revoked',
  'automation.version_saved',
  'automation.rolled_back',
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'phone_number.added',
  'phone_number.updated',
  'phone_number.removed',
  'consent.changed',
  'export.created',
  'contact.erased',
  'contact.merged',
  'contact.merge_undone',
  'contact.bulk_action',
  'contact.bulk_action_cancelled',
  'template.created',
  'template.edited',
  'template.deleted',
  'tag.deleted',
  'tag.merged',
  'tag.conflicts_changed',
  'tag.conflicts_resolved',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** Who acted: a signed-in user, an API key, or Tsunagi itself (jobs, the operator's CLI). */
export const AuditActorTypeSchema = z.enum(['user', 'api_key', 'system']);

export const AuditEntrySchema = z.object({
  id: z.string(),
  occurredAt: z.string(),
  actor: z.object({ type: AuditActorTypeSchema, id: z.string().nullable() }),
  action: AuditActionSchema,
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  ip: z.string().nullable().describe('The client address as the server saw it'),
  userAgent: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).describe('Ids and codes only (no e-mail addresses, names or text)'),
});
export type AuditEntryDto = z.infer<typeof AuditEntrySchema>;

export const AuditLogQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('Page size, 1–100 (default 50)'),
  cursor: z.string().min(1).max(512).optional().describe('The nextCursor of the previous page'),
  action: AuditActionSchema.optional(),
  actor: z.uuid().optional().describe('A user id or API key id'),
  targetType: z.string().max(40).optional(),
  targetId: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive lower bound of occurredAt'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive upper bound of occurredAt'),
});

export const AuditLogPageSchema = z.object({
  data: z.array(AuditEntrySchema),
  nextCursor: z.string().nullable(),
});
