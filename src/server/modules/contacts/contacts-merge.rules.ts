/**
 * Pure rules of contact merges: how two contacts' attributes combine (the survivor wins) and which consent state
 * the survivor ends with (the most recent change across both).
 */
import { isDeepStrictEqual } from 'node:util';

/** The survivor's attributes after a merge, the keys it gained, and the source's values that lost to its own. */
export function mergeAttributesKeepingSurvivor(
  survivor: Record<string, unknown>,
  source: Record<string, unknown>,
): { merged: Record<string, unknown>; added: Record<string, unknown>; conflicts: Record<string, unknown> } {
  const added: Record<string, unknown> = {};
  const conflicts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (!Object.hasOwn(survivor, key)) added[key] = value;
    else if (!isDeepStrictEqual(survivor[key], value)) conflicts[key] = value;
  }
  return { merged: { ...survivor, ...added }, added, conflicts };
}

/**
 * The survivor's attributes after undoing a merge: the keys the merge added are removed, unless their value was
 * changed since (a later edit is the survivor's own and stays).
 */
export function unmergeAttributes(
  current: Record<string, unknown>,
  added: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...current };
  for (const [key, value] of Object.entries(added))
    if (Object.hasOwn(out, key) && isDeepStrictEqual(out[key], value)) delete out[key];
  return out;
}

/** A contact's current consent for one purpose, or null when never recorded. */
export interface ConsentNow {
  state: 'opted_in' | 'opted_out' | 'unknown';
  changedAt: Date;
}

/**
 * Whether a merge takes the source's consent for a purpose: when the source's change is more recent than the
 * survivor's (or the survivor never recorded one) and says something else. A tie keeps the survivor's.
 */
export function sourceConsentWins(survivor: ConsentNow | null, source: ConsentNow | null): boolean {
  if (!source) return false;
  if (!survivor) return source.state !== 'unknown';
  return source.changedAt.getTime() > survivor.changedAt.getTime() && source.state !== survivor.state;
}
