import { attributeFromCell, type AttributeDef } from './contact-attributes.rules.ts';
import { unneutraliseFormula } from './contacts-csv.rules.ts';
import { parsePhone } from './contacts.rules.ts';

/** An encoding an import's bytes are decoded with (iconv-lite names; `cp932` is Shift_JIS as Windows writes it). */
export type ImportEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'shift_jis';

/** The iconv-lite codec of each encoding: Excel's "Shift_JIS" is Windows-31J (cp932: ①, ㈱, NEC extensions). */
export const ICONV_NAME: Record<ImportEncoding, string> = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  shift_jis: 'cp932',
};

/**
 * The encoding of an uploaded CSV: a byte-order mark decides (UTF-8, UTF-16 LE/BE); without one the bytes are
 * UTF-8 when all of them are valid UTF-8, else Shift_JIS (what Japanese Excel writes: its bytes are almost never
 * valid UTF-8, and pure ASCII reads the same either way).
 */
export function detectEncoding(head: Uint8Array, validUtf8: boolean): ImportEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return validUtf8 ? 'utf-8' : 'shift_jis';
}

/** A field a column fills. */
export type ImportField =
  { kind: 'phone' | 'name' | 'tags' | 'consent' } | { kind: 'attr'; key: string } | { kind: 'ignored' };

/** One row's problem, as reported (row: spreadsheet row number, header = 1). */
export interface ImportRowError {
  row: number;
  column: string | null;
  code:
    | 'row_ragged'
    | 'phone_missing'
    | 'phone_invalid'
    | 'cell_too_large'
    | 'name_too_long'
    | 'tag_invalid'
    | 'consent_invalid'
    | 'attribute_invalid';
  message: string;
}

/** The columns of a file: each header cell's field (unknown headers are ignored), or why the file cannot be read. */
export function resolveColumns(
  header: readonly string[],
  mapping: Readonly<Record<string, string>> | null,
): { fields: ImportField[]; names: string[] } | { error: string } {
  const names = header.map((h) => h.trim());
  const fields = names.map((name): ImportField => {
    const target = mapping ? mapping[name] : name.toLowerCase();
    if (target === 'phone' || target === 'name' || target === 'tags' || target === 'consent')
      return { kind: target };
    if (target?.startsWith('attr.') && target.length > 5) return { kind: 'attr', key: target.slice(5) };
    return { kind: 'ignored' };
  });
  const phones = fields.filter((f) => f.kind === 'phone').length;
  if (phones !== 1) {
    return {
      error: phones === 0 ? 'no phone column (map one with `mapping`)' : 'more than one phone column',
    };
  }
  return { fields, names };
}

/** A valid row: the contact it names and what it sets (absent = leave as is). */
export interface ImportedRow {
  row: number;
  waId: string;
  e164: string;
  country: string | null;
  name: string | null;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
  consent: 'opted_in' | 'opted_out' | null;
}

/** Longest cell read (longer ones fail their row with `cell_too_large`, whatever the column). */
export const MAX_CELL_CHARS = 10_000;
/** Longest contact name (as the contacts API). */
export const MAX_NAME_CHARS = 200;
/** Most tags one row may add. */
export const MAX_TAGS_PER_ROW = 50;

const NO_CONTROL = /^[^\p{Cc}]+$/u;
/**
 * `TagNameSchema`'s rule for a trimmed tag (1–50 characters, no control characters), checked without zod: a
 * zod parse per tag cost as much as the rest of a row on a million-row import.
 */
const isTagName = (tag: string) => tag.length >= 1 && tag.length <= 50 && NO_CONTROL.test(tag);

/** What reading a row needs besides its cells. */
export interface RowContext {
  fields: readonly ImportField[];
  names: readonly string[];
  /** The workspace's attribute definitions; empty = free-form (every `attr.` column stored as text). */
  attributes: ReadonlyMap<string, AttributeDef>;
  /** Country of numbers written without a country code. */
  country?: string | undefined;
}

/**
 * Reads one CSV record: a planned row, or every problem it has (one per cell at fault). A row with a different
 * number of cells than the header fails as `row_ragged` (its cells cannot be trusted to be in their columns).
 */
export function readRow(
  cells: readonly string[],
  row: number,
  ctx: RowContext,
): { ok: true; value: ImportedRow } | { ok: false; errors: ImportRowError[] } {
  if (cells.length !== ctx.fields.length) {
    return {
      ok: false,
      errors: [
        {
          row,
          column: null,
          code: 'row_ragged',
          message: `${cells.length} cells where the header has ${ctx.fields.length}`,
        },
      ],
    };
  }
  const errors: ImportRowError[] = [];
  const out: Omit<ImportedRow, 'waId' | 'e164' | 'country'> = {
    row,
    name: null,
    tags: [],
    attributes: {},
    consent: null,
  };
  let phone: { waId: string; e164: string; country: string | null } | null = null;
  let phoneSeen = false;
  ctx.fields.forEach((field, i) => {
    const cell = unneutraliseFormula(cells[i] ?? '');
    const column = ctx.names[i] ?? null;
    const fail = (code: ImportRowError['code'], message: string) =>
      errors.push({ row, column, code, message });
    if (field.kind === 'ignored') return;
    if (cell.length > MAX_CELL_CHARS) return fail('cell_too_large', `more than ${MAX_CELL_CHARS} characters`);
    const text = cell.trim();
    if (field.kind === 'phone') {
      phoneSeen = text.length > 0;
      if (!phoneSeen) return fail('phone_missing', 'no phone number');
      phone = parsePhone(text, ctx.country);
      if (!phone)
        return fail('phone_invalid', 'not a valid phone number (include the country code, or pass country)');
      return;
    }
    if (text.length === 0) return;
    if (field.kind === 'name') {
      if (text.length > MAX_NAME_CHARS)
        return fail('name_too_long', `more than ${MAX_NAME_CHARS} characters`);
      out.name = text;
    } else if (field.kind === 'tags') {
      const tags = [
        ...new Set(
          text
            .split(';')
            .map((t) => t.trim())
            .filter((t) => t.length > 0),
        ),
      ];
      if (tags.length > MAX_TAGS_PER_ROW) return fail('tag_invalid', `more than ${MAX_TAGS_PER_ROW} tags`);
      if (tags.some((t) => !isTagName(t))) {
        return fail('tag_invalid', 'tags are 1–50 characters without control characters, separated by ;');
      }
      out.tags = tags;
    } else if (field.kind === 'consent') {
      const value = text.toLowerCase();
      if (value !== 'opted_in' && value !== 'opted_out')
        return fail('consent_invalid', 'expected opted_in or opted_out');
      out.consent = value;
    } else if (field.kind === 'attr') {
      const def = ctx.attributes.get(field.key);
      if (!def && ctx.attributes.size > 0)
        return fail('attribute_invalid', `no attribute is defined with key "${field.key}"`);
      const value = attributeFromCell(def, def && def.type !== 'text' ? text : cell);
      if (!value.ok) return fail('attribute_invalid', value.message);
      out.attributes[field.key] = value.value;
    }
  });
  const parsed = phone as { waId: string; e164: string; country: string | null } | null;
  if (errors.length > 0 || !parsed) return { ok: false, errors };
  return { ok: true, value: { ...out, waId: parsed.waId, e164: parsed.e164, country: parsed.country } };
}

/**
 * A row's cells by header name (trimmed, formula quote undone, at most {@link MAX_CELL_CHARS} each; the first of
 * two equal headers wins; unnamed columns are left out): what an audience import keeps for template variables.
 */
export function rowColumns(cells: readonly string[], names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name === '' || name in out) return;
    out[name] = unneutraliseFormula(cells[i] ?? '')
      .trim()
      .slice(0, MAX_CELL_CHARS);
  });
  return out;
}

/** What happened to one valid row of a batch. */
export type RowOutcome = 'created' | 'updated' | 'skipped';

/**
 * Folds a batch's valid rows into one write per contact, in file order: the first row of a new contact creates
 * it, later rows of the same phone (in this batch or a later one) update it or are skipped, as `onExisting`
 * says — one person, one contact, whatever the file repeats. `existed` tells which wa_ids were contacts before
 * this batch. Returns, per wa_id, the merged fields to write (absent when nothing is written) and each row's
 * outcome.
 */
export function foldBatch(
  rows: readonly ImportedRow[],
  created: ReadonlySet<string>,
  onExisting: 'update' | 'skip',
): { writes: Map<string, Omit<ImportedRow, 'row'>>; outcomes: RowOutcome[] } {
  const writes = new Map<string, Omit<ImportedRow, 'row'>>();
  const seen = new Set<string>();
  const outcomes = rows.map((r): RowOutcome => {
    const first = !seen.has(r.waId);
    seen.add(r.waId);
    const outcome: RowOutcome =
      first && created.has(r.waId) ? 'created' : onExisting === 'update' ? 'updated' : 'skipped';
    if (outcome === 'skipped') return outcome;
    const prev = writes.get(r.waId);
    writes.set(r.waId, {
      waId: r.waId,
      e164: r.e164,
      country: r.country,
      name: r.name ?? prev?.name ?? null,
      tags: [...new Set([...(prev?.tags ?? []), ...r.tags])],
      attributes: { ...prev?.attributes, ...r.attributes },
      consent: r.consent ?? prev?.consent ?? null,
    });
    return outcome;
  });
  return { writes, outcomes };
}
