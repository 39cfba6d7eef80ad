/**
 * Text PostgreSQL can store. PostgreSQL refuses U+0000 in `text` and `jsonb`, and refuses lone UTF-16
 * surrogates (a `\ud800` escape in JSON, or the half of an emoji cut by a truncation) in `jsonb`; one such
 * character used to fail a whole webhook batch or answer an API call with 500. Both are replaced by U+FFFD
 * (the Unicode replacement character) where untrusted input enters: the webhook parser and the HTTP API's
 * body, query and path parsing. Written by hand because it is two regular expressions and a bounded walk.
 */

/** U+0000, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what PostgreSQL cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** The replacement character that stands for what could not be stored. */
export const REPLACEMENT_CHARACTER = '\ufffd';

/** Whether `text` holds U+0000 or a lone surrogate. */
export function hasUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** `text` with every U+0000 and lone surrogate replaced by U+FFFD (the same string when there is none). */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, REPLACEMENT_CHARACTER) : text;
}

/** Options of {@link storableJson}. */
export interface StorableJsonOptions {
  /**
   * Subtrees nested deeper than this are left as they are (not walked): the walk is recursive, and a body
   * nested 50,000 deep must not overflow the stack. Callers that store such values refuse them separately.
   */
  maxDepth?: number;
}

/** A JSON value made storable, with the paths (`a.b[2]`, keys included) where a replacement was made. */
export interface StorableJson<T> {
  value: T;
  /** Paths whose string (or key) was changed, in walk order; empty when nothing was. */
  sanitized: string[];
}

const DEFAULT_MAX_DEPTH = 64;

function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

/**
 * A copy of a decoded JSON value in which every string and object key is {@link storableText}. Objects and
 * arrays without a replacement are returned as they are (no copy), so the common case allocates nothing.
 */
export function storableJson<T>(value: T, opts: StorableJsonOptions = {}): StorableJson<T> {
  const sanitized: string[] = [];
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const walk = (v: unknown, path: string, depth: number): unknown => {
    if (typeof v === 'string') {
      const s = storableText(v);
      if (s !== v) sanitized.push(path);
      return s;
    }
    if (v === null || typeof v !== 'object' || depth >= maxDepth) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        const next = walk(item, childPath(path, i), depth + 1);
        if (next !== item) (out ??= v.slice())[i] = next;
      }
      return out ?? v;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    let changed = false;
    for (const entry of entries) {
      const [key, item] = entry;
      const k = storableText(key);
      const p = childPath(path, k);
      if (k !== key) sanitized.push(p);
      const next = walk(item, p, depth + 1);
      if (k !== key || next !== item) {
        changed = true;
        entry[0] = k;
        entry[1] = next;
      }
    }
    // fromEntries defines own properties, so a "__proto__" key stays a key and never sets a prototype.
    return changed ? Object.fromEntries(entries) : v;
  };
  return { value: walk(value, '', 0) as T, sanitized };
}
