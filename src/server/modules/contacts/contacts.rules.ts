import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { getCountry } from 'countries-and-timezones';

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
 * without `+` is read as international digits (as WhatsApp ids are) unless a default country is given. A
 * number valid only in its other WhatsApp form (a Brazilian mobile typed without its 9, see `waIdVariants`)
 * is read in that form. Returns null when the number is not valid.
 */
export function parsePhone(input: string, defaultCountry?: string): ParsedPhone | null {
  const trimmed = input.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  const international = trimmed.startsWith('+') ? [trimmed] : ['+' + digits, trimmed];
  const candidates = [
    ...international,
    ...waIdVariants(digits)
      .slice(1)
      .map((v) => '+' + v),
  ];
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

/**
 * The WhatsApp ids one person may appear under. WhatsApp's `wa_id` and the number a person types can differ
 * for three countries' mobiles:
 * - Brazil: mobiles gained a leading 9 (+55 DD 9XXXX-XXXX), but accounts made before keep the 8-digit form in
 *   their wa_id (55 DD XXXXXXXX, X starting 6–9), or the reverse;
 * - Mexico: mobiles used to be dialled with 1 after the country code (521 + 10 digits), which WhatsApp keeps;
 *   the current plan has none (52 + 10 digits);
 * - Argentina: mobiles take a 9 after the country code (549 + 10 digits), which a typed number often lacks.
 * Returns the digits of the given number first, then the other form when there is one.
 */
export function waIdVariants(phone: string): string[] {
  const d = phone.replace(/\D/g, '');
  const other = otherWaIdForm(d);
  return other ? [d, other] : [d];
}

function otherWaIdForm(d: string): string | null {
  let m: RegExpExecArray | null;
  if ((m = /^55(\d{2})9([6-9]\d{7})$/.exec(d))) return `55${m[1]}${m[2]}`;
  if ((m = /^55(\d{2})([6-9]\d{7})$/.exec(d))) return `55${m[1]}9${m[2]}`;
  if ((m = /^521(\d{10})$/.exec(d))) return `52${m[1]}`;
  if ((m = /^52(\d{10})$/.exec(d))) return `521${m[1]}`;
  if ((m = /^549(\d{10})$/.exec(d))) return `54${m[1]}`;
  if ((m = /^54(\d{10})$/.exec(d))) return `549${m[1]}`;
  return null;
}

/**
 * The time zone of a country: its only zone, or for countries spanning several, the zone where most of its
 * people live (a number does not say which state or province its owner is in, so this is a best guess that
 * an agent can correct). Zones from `countries-and-timezones` (IANA tz data); null for an unknown country.
 */
export function timeZoneOfCountry(country: string | null): string | null {
  if (!country) return null;
  const main = MOST_POPULOUS_ZONE[country];
  if (main) return main;
  return getCountry(country as Parameters<typeof getCountry>[0])?.timezones[0] ?? null;
}

/**
 * Countries with several zones whose first zone in alphabetical order is not where most people live: the most
 * populous zone (by metropolitan population), e.g. the US → New York (Eastern time, ~47% of people), Brazil →
 * São Paulo (Brasília time, ~90%), Mexico → Mexico City, Russia → Moscow, Australia → Sydney, Indonesia →
 * Jakarta, Canada → Toronto.
 */
const MOST_POPULOUS_ZONE: Record<string, string> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  BR: 'America/Sao_Paulo',
  MX: 'America/Mexico_City',
  AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago',
  EC: 'America/Guayaquil',
  RU: 'Europe/Moscow',
  UA: 'Europe/Kyiv',
  KZ: 'Asia/Almaty',
  UZ: 'Asia/Tashkent',
  MN: 'Asia/Ulaanbaatar',
  CN: 'Asia/Shanghai',
  ID: 'Asia/Jakarta',
  MY: 'Asia/Kuala_Lumpur',
  VN: 'Asia/Ho_Chi_Minh',
  MH: 'Pacific/Majuro',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  DE: 'Europe/Berlin',
  CD: 'Africa/Kinshasa',
  GL: 'America/Nuuk',
  CY: 'Asia/Nicosia',
  PS: 'Asia/Hebron',
  PG: 'Pacific/Port_Moresby',
  FM: 'Pacific/Pohnpei',
  KI: 'Pacific/Tarawa',
  PF: 'Pacific/Tahiti',
  UM: 'Pacific/Midway',
  AQ: 'Antarctica/McMurdo',
};

/** Where a number is: country (ISO 3166 alpha-2) and time zone, read from whichever WhatsApp id form is valid. */
export interface PhoneRegion {
  country: string | null;
  timezone: string | null;
}

/**
 * The country and time zone of a wa_id (or any form of a number): the first of its `waIdVariants` that
 * libphonenumber-js finds valid gives the country (a Brazilian wa_id without the mobile 9 is not a valid number
 * any more, its other form is), the country gives the time zone.
 */
export function regionOfWaId(waId: string): PhoneRegion {
  for (const variant of waIdVariants(waId)) {
    const country = parsePhone('+' + variant)?.country ?? null;
    if (country) return { country, timezone: timeZoneOfCountry(country) };
  }
  return { country: null, timezone: null };
}
