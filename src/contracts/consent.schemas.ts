import { z } from 'zod';
import { ATTRIBUTE_LIMITS, freeJsonObject } from './free-json.schemas.ts';

/** What a consent is for: marketing templates, or utility messages. */
export const ConsentPurposeSchema = z.enum(['marketing', 'utility']);
/** A contact's consent for one purpose; `unknown` when nothing was ever recorded. */
export const ConsentStateSchema = z.enum(['opted_in', 'opted_out', 'unknown']);
/** Where a consent change came from. */
export const ConsentSourceSchema = z.enum([
  'form',
  'import',
  'keyword',
  'button',
  'api',
  'whatsapp_preferences',
  'console',
  'bulk',
]);

/** The current consent of one purpose. */
export const ContactConsentSchema = z.object({
  purpose: ConsentPurposeSchema,
  state: ConsentStateSchema,
  source: ConsentSourceSchema.nullable().describe('Null while the state is unknown and was never recorded'),
  changedAt: z.iso.datetime().nullable(),
});

/** One entry of the append-only consent history. */
export const ConsentEventSchema = z.object({
  id: z.uuid(),
  purpose: ConsentPurposeSchema,
  state: ConsentStateSchema,
  previousState: ConsentStateSchema,
  source: ConsentSourceSchema,
  actor: z.object({
    type: z.enum(['user', 'api_key', 'system', 'customer']),
    id: z.uuid().nullable(),
  }),
  messageId: z.uuid().nullable().describe('The inbound message that carried the keyword or button'),
  evidence: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
});

/** `GET /api/v1/contacts/{id}/consent`: the state per purpose and the history, newest first. */
export const ContactConsentViewSchema = z.object({
  contactId: z.uuid(),
  consents: z.array(ContactConsentSchema),
  history: z.array(ConsentEventSchema),
});
export type ContactConsentView = z.infer<typeof ContactConsentViewSchema>;

/** `POST /api/v1/contacts/{id}/consent`: records a change made by a person (console) or an integration (api). */
export const ConsentChangeInputSchema = z.object({
  purpose: ConsentPurposeSchema,
  state: ConsentStateSchema,
  evidence: freeJsonObject(ATTRIBUTE_LIMITS)
    .optional()
    .describe('What proves the change (form id, page, note, …): kept with the history entry'),
});

const KeywordSchema = z.string().trim().min(1).max(64);

/** The confirmation texts of one language. */
export const ConsentConfirmationSchema = z.object({
  optOut: z.string().trim().min(1).max(1024),
  optIn: z.string().trim().min(1).max(1024),
});

/**
 * A workspace's consent keyword settings: the opt-out and opt-in keywords (a customer message that is exactly
 * one of them — after width folding, case folding and trimming — changes the marketing consent), and the
 * confirmation sent back, per language (`ja`, `en`, …; the keyword's script picks Japanese or the default).
 */
export const ConsentSettingsSchema = z
  .object({
    optOutKeywords: z.array(KeywordSchema).min(1).max(50),
    optInKeywords: z.array(KeywordSchema).max(50),
    confirmations: z
      .record(
        z.string().regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as ja or en'),
        ConsentConfirmationSchema,
      )
      .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 20, '1 to 20 languages'),
    defaultLanguage: z.string().min(2).max(5),
  })
  .refine((s) => s.defaultLanguage in s.confirmations, {
    message: 'defaultLanguage must have a confirmation',
    path: ['defaultLanguage'],
  });
export type ConsentSettings = z.infer<typeof ConsentSettingsSchema>;
