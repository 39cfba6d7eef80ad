/** Narrowing helpers for message content (JSON whose shape comes from customers and the Cloud API). */
export type Obj = Record<string, unknown>;

/** `v` as an object, or an empty one when it is not a plain object (arrays and null included). */
export function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** `v` as a string (numbers are turned into their decimal text), else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** `v` as a finite number (numeric strings parsed), else undefined. */
export function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** `v` as an array of objects (non-object elements become empty objects), or an empty array. */
export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}
