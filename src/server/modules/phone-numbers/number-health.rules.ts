/**
 * A number's health as WhatsApp reports it — quality rating, messaging limit tier, throughput level and the last
 * quality or account event — read from `GET /{pnid}` or from the `phone_number_quality_update` and
 * `account_update` webhooks (reference §3.7, §6.3–6.5). Pure: the repository writes what these return.
 */

/** Health fields to store; a field left out is kept as it is. */
export interface NumberHealthPatch {
  qualityRating?: string;
  messagingTier?: string;
  throughputLevel?: string;
  qualityEvent?: string;
  accountEvent?: string;
}

/** A short upper-case token as WhatsApp writes enum values; anything else is not stored. */
function token(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Z0-9_]{1,64}$/.test(v) ? v : undefined;
}

function withoutUndefined(p: NumberHealthPatch): NumberHealthPatch {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as NumberHealthPatch;
}

/**
 * The health fields of a `GET /{pnid}` answer: `quality_rating`, `throughput.level` and
 * `whatsapp_business_manager_messaging_limit` (a tier string, or an object carrying it as `current_limit`).
 */
export function healthFromPhoneInfo(info: Record<string, unknown>): NumberHealthPatch {
  const throughput = info.throughput as { level?: unknown } | undefined;
  const limit = info.whatsapp_business_manager_messaging_limit;
  const tier =
    typeof limit === 'object' && limit !== null
      ? (limit as { current_limit?: unknown }).current_limit
      : limit;
  return withoutUndefined({
    qualityRating: token(info.quality_rating),
    throughputLevel: token(throughput?.level),
    messagingTier: token(tier),
  });
}

/** A `phone_number_quality_update` value: which number (digits of its display number) and what changed. */
export interface QualityUpdate {
  displayDigits: string;
  patch: NumberHealthPatch;
}

/**
 * Reads a `phone_number_quality_update` value: `display_phone_number`, `event`, and the tier in
 * `max_daily_conversations_per_business` (current) or `current_limit` (before February 2026). A
 * `THROUGHPUT_UPGRADE` means the number now has high throughput. Null when it names no number.
 */
export function qualityUpdateOf(value: unknown): QualityUpdate | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const digits = typeof v.display_phone_number === 'string' ? v.display_phone_number.replace(/\D/g, '') : '';
  if (digits === '') return null;
  const event = token(v.event);
  return {
    displayDigits: digits,
    patch: withoutUndefined({
      qualityEvent: event,
      messagingTier: token(v.max_daily_conversations_per_business) ?? token(v.current_limit),
      throughputLevel: event === 'THROUGHPUT_UPGRADE' ? 'HIGH' : undefined,
    }),
  };
}

/** Reads an `account_update` value: its `event` (ACCOUNT_RESTRICTION, DISABLED_UPDATE, …), or null. */
export function accountEventOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  return token((value as { event?: unknown }).event) ?? null;
}
