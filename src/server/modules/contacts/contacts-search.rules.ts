/**
 * Pure rules of the contacts API: how a PATCH of custom attributes merges, and when the marketing opt-out time
 * is recorded. (How a search box query is matched: `../search/search-key.rules.ts`.)
 */

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
