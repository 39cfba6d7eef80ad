/**
 * Pure rules of the contacts API: how a search box query becomes SQL LIKE patterns, how a PATCH of custom
 * attributes merges, and when the marketing opt-out time is recorded.
 */

/** Escapes LIKE wildcards so a user's `%`, `_` or `\` match literally (PostgreSQL's default escape is `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** ILIKE patterns for a contact search: `text` for names, `digits` (when the query looks like a number) for wa_id. */
export interface ContactSearchPatterns {
  text: string;
  digits: string[];
}

/**
 * Builds the patterns of a search query, or null for an empty query (list everything). Names match as a
 * case-insensitive substring, so Japanese (山田, やまだ) works as typed. A query that looks like a phone number
 * is also matched against the wa_id's digits, after NFKC folding (full-width ０９０ → 090); a national number
 * typed with its trunk prefix (090-1234-5678) also matches without it (…9012345678), since wa_ids carry the
 * country code instead.
 */
export function contactSearchPatterns(q: string | undefined): ContactSearchPatterns | null {
  const trimmed = (q ?? '').trim();
  if (trimmed === '') return null;
  const folded = trimmed.normalize('NFKC');
  const digits: string[] = [];
  if (/^[+\d\s().-]+$/.test(folded)) {
    const d = folded.replace(/\D/g, '');
    if (d.length >= 3) digits.push(`%${d}%`);
    const national = d.replace(/^0+/, '');
    if (national !== d && national.length >= 3) digits.push(`%${national}%`);
  }
  return { text: `%${escapeLike(trimmed)}%`, digits };
}

/**
 * Applies a PATCH to custom attributes: keys in the patch are set, keys set to null are removed, other keys
 * are kept (JSON merge patch, RFC 7396, at the top level).
 */
export function mergeAttributes(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}
