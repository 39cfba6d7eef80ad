import { z } from 'zod';

/**
 * Limits of a free-form JSON field (contact attributes, event properties, automation documents): whatever its
 * shape, it is bounded in nesting, keys and string length, so no value is too deep to serialise, index or
 * evaluate, and none is large enough to slow every read of its row. Exceeding one is a `validation_failed` with
 * the path of the first offending value.
 */
export interface FreeJsonLimits {
  /** Deepest nesting of objects and arrays (the field itself is depth 1). */
  maxDepth: number;
  /** Most object keys plus array items in the whole value. */
  maxEntries: number;
  /** Longest string (and object key), in UTF-16 code units. */
  maxStringLength: number;
}

/** The largest value of a PostgreSQL `integer` column: a number field stored in one is bounded by it. */
export const INT4_MAX = 2_147_483_647;

/** Contact attributes and event properties: flat-ish data an integration records. */
export const ATTRIBUTE_LIMITS: FreeJsonLimits = { maxDepth: 10, maxEntries: 1000, maxStringLength: 10_000 };
/** An automation document: many rules, each a few levels deep. */
export const DOCUMENT_LIMITS: FreeJsonLimits = { maxDepth: 20, maxEntries: 50_000, maxStringLength: 10_000 };

/** Where a free-form value exceeds its limits (path below the field) and which limit. */
export interface FreeJsonViolation {
  path: Array<string | number>;
  message: string;
}

/** The first place `value` exceeds `limits`: its path below the field and why; null when within them. */
export function freeJsonViolation(value: unknown, limits: FreeJsonLimits): FreeJsonViolation | null {
  let entries = 0;
  const walk = (v: unknown, path: Array<string | number>, depth: number): FreeJsonViolation | null => {
    if (typeof v === 'string') {
      return v.length > limits.maxStringLength
        ? { path, message: `a string of at most ${limits.maxStringLength} characters` }
        : null;
    }
    if (v === null || typeof v !== 'object') return null;
    if (depth > limits.maxDepth) return { path, message: `nested at most ${limits.maxDepth} levels deep` };
    const children: Array<[string | number, unknown]> = Array.isArray(v)
      ? v.map((item, i) => [i, item])
      : Object.entries(v);
    entries += children.length;
    if (entries > limits.maxEntries)
      return { path, message: `at most ${limits.maxEntries} keys and items in all` };
    for (const [key, child] of children) {
      if (typeof key === 'string' && key.length > limits.maxStringLength)
        return { path: [...path, key], message: `keys of at most ${limits.maxStringLength} characters` };
      const found = walk(child, [...path, key], depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(value, [], 1);
}

/** A free-form JSON object field bounded by `limits` (see {@link FreeJsonLimits}). */
export function freeJsonObject(limits: FreeJsonLimits) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const violation = freeJsonViolation(value, limits);
    if (violation)
      ctx.addIssue({ code: 'custom', message: `must be ${violation.message}`, path: violation.path });
  });
}
