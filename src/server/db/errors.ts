/** True when `err` is PostgreSQL's unique_violation (SQLSTATE 23505), from `pg` or PGlite alike. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
