/**
 * CSV for the analytics tables, built in the browser from the data already on screen: UTF-8 with a byte-order mark
 * (Excel in Japan reads BOM-less UTF-8 as Shift_JIS and garbles it), CRLF line ends, RFC 4180 quoting. A text cell
 * that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
 * prefixed with `'` so it stays text; numbers are written as numbers.
 */

/** One cell: text, a number, or nothing (an empty cell). */
export type CsvCell = string | number | null | undefined;

const BOM = '\uFEFF';
const FORMULA = /^[=+\-@\t\r]/;

/** One cell as CSV: quoted when it holds a comma, quote or line break; a formula-looking text made inert. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole table (header row first) as a CSV document, BOM included. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A file name for an export: `tsunagi-<table>-<from>_<to>.csv`. */
export function csvFileName(table: string, from: string, to: string): string {
  return `tsunagi-${table}-${from}_${to}.csv`;
}
