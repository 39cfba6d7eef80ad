/**
 * Which sends consent forbids (pure). Only marketing is gated: a contact who opted out of marketing may still
 * receive utility and authentication templates and in-window free text (answers to their own questions). A
 * template whose category is unknown — not in the cached template list even after a refresh — counts as
 * marketing for an opted-out contact: when in doubt, do not send (fail safe).
 */
import type { ConsentState } from '../../db/types.ts';

/** Template categories that are not marketing (as the Graph API lists them). */
const NOT_MARKETING = new Set(['UTILITY', 'AUTHENTICATION']);

/** Why a template send is refused, or null when it may go. `category` is null for a template not in the cache. */
export function templateRefusal(
  marketing: ConsentState,
  category: string | null,
): { reason: 'marketing_template' | 'unknown_template' } | null {
  if (marketing !== 'opted_out') return null;
  if (category === null) return { reason: 'unknown_template' };
  return NOT_MARKETING.has(category.toUpperCase()) ? null : { reason: 'marketing_template' };
}

/**
 * The category to judge a template by from the cached rows of its name: the row of the requested language,
 * else — when every language of that name shares one category — that category, else null (unknown).
 */
export function templateCategory(
  rows: ReadonlyArray<{ language: string; category: string }>,
  language: string,
): string | null {
  const exact = rows.find((r) => r.language === language);
  if (exact) return exact.category;
  const categories = new Set(rows.map((r) => r.category.toUpperCase()));
  return categories.size === 1 ? ([...categories][0] ?? null) : null;
}
