/**
 * Writing CSV cells for spreadsheets. Hand-written rather than taken from csv-stringify because the whole of
 * it is RFC 4180 quoting plus formula neutralisation — a dozen lines — and the export streams line by line.
 */

/** Characters that make a spreadsheet read a cell as a formula (or split it), when the cell starts with one. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a cell a spreadsheet would run as a formula (CSV injection: `=HYPERLINK(…)`, `+cmd|…`, `@SUM`, a
 * leading tab or CR): a leading `'` makes Excel and LibreOffice show it as text. Applied to every cell we
 * write, phone numbers included (`+81…` becomes `'+81…`, which Excel shows as `+81…` and our import reads back).
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** One CSV cell: quoted when it holds a comma, quote, CR or LF (quotes doubled), formula-neutralised first. */
export function csvCell(value: string): string {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV line (CRLF-terminated, as Excel writes) of the given cells. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * Undoes {@link neutraliseFormula} on an imported cell (`'=x` → `=x`), so a file we exported imports back with
 * the same values. Only a `'` followed by a formula character is removed; other leading quotes stay.
 */
export function unneutraliseFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
