import { z } from 'zod';

/**
 * The `error` object of a Graph API error response (reference §2.1). Key logic on `code` (and
 * `error_data.details`), never on `message` text. `type` is almost always `OAuthException` but some mocks
 * and proxies omit it; `error_subcode` is legacy (absent from v16.0+); `error_user_title`, `error_user_msg`
 * and `is_transient` appear on business-management errors. Unknown keys are kept.
 */
export const GraphErrorObjectSchema = z.looseObject({
  message: z.string(),
  type: z.string().optional(),
  code: z.number().int(),
  error_subcode: z.number().int().optional(),
  /** Usually an object; very old Graph endpoints sent a JSON-encoded string. */
  error_data: z
    .union([
      z.looseObject({ messaging_product: z.string().optional(), details: z.string().optional() }),
      z.string(),
    ])
    .optional(),
  fbtrace_id: z.string().optional(),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
  is_transient: z.boolean().optional(),
});
/** A Graph error object. */
export type GraphErrorObject = z.infer<typeof GraphErrorObjectSchema>;

/** A Graph API error response body: `{ "error": { message, type, code, ... } }`. */
export const GraphErrorBodySchema = z.looseObject({ error: GraphErrorObjectSchema });
/** A Graph error response body. */
export type GraphErrorBody = z.infer<typeof GraphErrorBodySchema>;

/** `error_data.details` when present (the human explanation Meta puts next to the code), else null. */
export function graphErrorDetails(error: GraphErrorObject): string | null {
  const data = error.error_data;
  if (typeof data === 'string') return data.length > 0 ? data : null;
  return data?.details ?? null;
}
