import { z } from 'zod';
import { AppError } from './app-error.ts';

/**
 * Opaque keyset cursors shared by the paginated lists (conversations, contacts, messages). A cursor is the
 * sort key of the last row of a page, as base64url JSON: clients pass it back unchanged, and its shape can
 * change without breaking them. Keyset (not offset) pagination stays fast on deep pages and never skips or
 * repeats rows when new ones arrive between requests.
 */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor against the schema of its sort key. A cursor that was not produced by `encodeCursor`
 * with that shape is a `validation_failed` error on the `cursor` field, never a 500.
 */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      'Invalid cursor: pass back the nextCursor of the previous page unchanged',
      {
        issues: [{ path: '/cursor', message: 'invalid cursor' }],
      },
    );
  }
  return parsed.data;
}

/** A sort key of (timestamp or null, uuid): conversations by last message time (null when none yet). */
export const NullableTimeIdKeySchema = z
  .tuple([z.iso.datetime().nullable(), z.uuid()])
  .transform(([at, id]) => ({ at: at === null ? null : new Date(at), id }));

/** A sort key of (timestamp, uuid): messages by the time they occurred. */
export const TimeIdKeySchema = z
  .tuple([z.iso.datetime(), z.uuid()])
  .transform(([at, id]) => ({ at: new Date(at), id }));

/** A sort key of a uuid alone (contacts: UUIDv7 ids are time-ordered). */
export const IdKeySchema = z.tuple([z.uuid()]).transform(([id]) => ({ id }));

/**
 * Splits a `limit + 1` row fetch into a page and its next cursor: the extra row only proves there is more.
 */
export function toPage<Row, Dto>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Dto,
  key: (row: Row) => unknown[],
): { data: Dto[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(present),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
