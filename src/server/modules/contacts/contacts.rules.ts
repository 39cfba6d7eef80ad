import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** A WhatsApp id is the number's digits without `+` (what webhooks carry in `from` / `wa_id`). */
export function normalizeWaId(value: string): string {
  const digits = value.replace(/[^\d]/g, '');
  return digits.length > 0 ? digits : value;
}

export interface ParsedPhone {
  e164: string;
  waId: string;
  country: string | null;
}

/**
 * Parses a phone number typed by a person or an API caller into E.164 with libphonenumber-js. A number
 * without `+` is read as international digits (as WhatsApp ids are) unless a default country is given.
 * Returns null when the number is not valid.
 */
export function parsePhone(input: string, defaultCountry?: string): ParsedPhone | null {
  const trimmed = input.trim();
  const candidates = trimmed.startsWith('+') ? [trimmed] : ['+' + trimmed.replace(/[^\d]/g, ''), trimmed];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(
      candidate,
      defaultCountry as Parameters<typeof parsePhoneNumberFromString>[1],
    );
    if (parsed?.isValid()) {
      return { e164: parsed.number, waId: parsed.number.slice(1), country: parsed.country ?? null };
    }
  }
  return null;
}
