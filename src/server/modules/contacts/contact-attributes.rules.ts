import type { AttributeType } from '../../db/types.ts';

/** What the rules need of an attribute definition. */
export interface AttributeDef {
  key: string;
  type: AttributeType;
  choices: readonly string[];
}

/** One attribute a write cannot store: its key and why. */
export interface AttributeProblem {
  key: string;
  message: string;
}

/** Longest text value an attribute holds (the free-form attribute limit). */
export const MAX_ATTRIBUTE_TEXT = 10_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` naming a real calendar day (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Why `value` (from JSON) does not fit `def`, or null when it does. */
export function attributeValueProblem(def: AttributeDef, value: unknown): string | null {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' ? null : 'expected text';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : 'expected a date YYYY-MM-DD';
    case 'choice':
      return typeof value === 'string' && def.choices.includes(value)
        ? null
        : `expected one of: ${def.choices.join(', ')}`;
  }
}

/**
 * The problems of an attribute write (a create, or a PATCH's keys before merging). A workspace that has defined
 * no attribute keeps free-form attributes (any key, any JSON value). Once it defines one, the definitions are
 * the schema: every key written must be defined and its value must fit its type — an unknown key is refused,
 * because a typo (`plann` for `plan`) silently creating a new attribute is what a business would not expect.
 * `null` (remove the key) is always allowed, so values stored before the schema existed can still be cleared;
 * keys not written are not checked, so such values keep being readable and kept.
 */
export function attributeProblems(
  defs: ReadonlyMap<string, AttributeDef>,
  attributes: Record<string, unknown>,
): AttributeProblem[] {
  if (defs.size === 0) return [];
  const problems: AttributeProblem[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null) continue;
    const def = defs.get(key);
    if (!def) problems.push({ key, message: 'no attribute is defined with this key' });
    else {
      const problem = attributeValueProblem(def, value);
      if (problem) problems.push({ key, message: problem });
    }
  }
  return problems;
}

/** A CSV cell read as an attribute value: the value to store, or why it cannot be. */
export type CellValue = { ok: true; value: string | number | boolean } | { ok: false; message: string };

const CSV_NUMBER = /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;
const SLASH_DATE = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

/**
 * Reads a (non-empty) CSV cell as an attribute value. Cells are text, so each type is read the way spreadsheets
 * write it: numbers with or without thousands separators, dates as `YYYY-MM-DD` or Excel's `YYYY/M/D`, booleans
 * as true/false, yes/no, 1/0. Without a definition (a free-form workspace) the cell is stored as text.
 */
export function attributeFromCell(def: AttributeDef | undefined, cell: string): CellValue {
  const text = cell.trim();
  if (!def || def.type === 'text') {
    return cell.length > MAX_ATTRIBUTE_TEXT
      ? { ok: false, message: `text of at most ${MAX_ATTRIBUTE_TEXT} characters` }
      : { ok: true, value: cell };
  }
  switch (def.type) {
    case 'number': {
      const n = CSV_NUMBER.test(text) ? Number(text.replaceAll(',', '')) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: 'expected a number' };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE_WORDS.has(lower)) return { ok: true, value: true };
      if (FALSE_WORDS.has(lower)) return { ok: true, value: false };
      return { ok: false, message: 'expected true or false' };
    }
    case 'date': {
      const slash = SLASH_DATE.exec(text);
      const iso = slash ? `${slash[1]}-${slash[2]!.padStart(2, '0')}-${slash[3]!.padStart(2, '0')}` : text;
      return isCalendarDate(iso)
        ? { ok: true, value: iso }
        : { ok: false, message: 'expected a date YYYY-MM-DD' };
    }
    case 'choice':
      return def.choices.includes(text)
        ? { ok: true, value: text }
        : { ok: false, message: `expected one of: ${def.choices.join(', ')}` };
  }
}
