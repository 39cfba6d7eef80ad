import type { Readable } from 'node:stream';
import type { RawBuilder, SqlBool } from 'kysely';
import { z } from 'zod';
import type {
  ContactImportDto,
  ContactImportQuerySchema,
} from '../../../contracts/contact-imports.schemas.ts';
import { ImportFieldSchema } from '../../../contracts/contact-imports.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ContactImportRow, Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { csvLine } from './contacts-csv.rules.ts';
import { detectEncoding, type ImportEncoding } from './contact-imports.rules.ts';
import {
  countImportErrors,
  deleteImportChunks,
  findImport,
  importRowsMembership,
  insertImport,
  insertImportChunk,
  listImportErrors,
  updateImport,
} from './contact-imports.repository.ts';
import { MAX_STORED_ERRORS } from './contact-imports.jobs.ts';

/** What starting and reading imports uses. */
export interface ContactImportsDeps {
  db: Db;
  clock: Clock;
}

/** Bytes spooled per stored piece: the request is never held whole in memory, only this much of it. */
export const SPOOL_CHUNK_BYTES = 1024 * 1024;
/** Largest upload (about 8 million typical rows); a larger one is refused with 413 while it streams. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
/** Row errors the status answer carries (errors.csv has every stored one). */
const STATUS_ERRORS = 1000;

const MappingSchema = z.record(z.string().trim().min(1).max(200), ImportFieldSchema);

/** Reads the `mapping` parameter (a JSON object header → field) or refuses it with 400 naming the problem. */
function parseMapping(raw: string | undefined): Record<string, string> | null {
  if (raw === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError('validation_failed', 'mapping is not JSON', {
      issues: [{ path: '/mapping', message: 'a JSON object' }],
    });
  }
  const parsed = MappingSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('validation_failed', `mapping: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      issues: parsed.error.issues.map((i) => ({ path: `/mapping/${i.path.join('/')}`, message: i.message })),
    });
  }
  return parsed.data;
}

/**
 * Starts a CSV import: the body is spooled into the database as it streams (1 MiB pieces, so memory stays flat
 * whatever the size), its encoding found on the way (BOM; else whether every byte was valid UTF-8), then the
 * import is queued and its first `contacts.import` job enqueued in one transaction. An upload that breaks off or
 * exceeds {@link MAX_IMPORT_BYTES} leaves a `failed` import without its bytes.
 */
export async function startImport(
  deps: ContactImportsDeps,
  workspaceId: string,
  body: Readable,
  query: z.infer<typeof ContactImportQuerySchema>,
): Promise<{ id: string }> {
  const mapping = parseMapping(query.mapping);
  const id = newId();
  const now = deps.clock.now();
  await insertImport(deps.db, {
    id,
    workspace_id: workspaceId,
    status: 'receiving',
    on_existing: query.onExisting,
    purpose: query.purpose,
    mapping: mapping ? JSON.stringify(mapping) : null,
    country: query.country ?? null,
    created_at: now,
    updated_at: now,
  });
  try {
    const spooled = await spool(deps.db, id, body);
    const encoding: ImportEncoding =
      query.encoding === 'auto' ? detectEncoding(spooled.head, spooled.validUtf8) : query.encoding;
    await deps.db.transaction().execute(async (tx) => {
      await updateImport(tx, id, {
        status: 'queued',
        encoding,
        bytes: spooled.bytes,
        updated_at: deps.clock.now(),
      });
      await enqueueJob(
        tx,
        deps.clock,
        'contacts.import',
        { importId: id, slice: 0 },
        { workspaceId, dedupeKey: `${id}:0` },
      );
    });
  } catch (err) {
    const at = deps.clock.now();
    await updateImport(deps.db, id, {
      status: 'failed',
      error_message: err instanceof AppError ? err.message : 'The upload did not complete',
      updated_at: at,
      finished_at: at,
    });
    await deleteImportChunks(deps.db, id);
    throw err;
  }
  return { id };
}

/** Copies a request body into `contact_import_chunks`, checking UTF-8 validity as it goes. */
async function spool(
  db: Db,
  importId: string,
  body: Readable,
): Promise<{ bytes: number; head: Uint8Array; validUtf8: boolean }> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let bytes = 0;
  let seq = 0;
  let head: Uint8Array | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const store = async () => {
    const data = Buffer.concat(pending, pendingBytes);
    head ??= data.subarray(0, 4);
    if (validUtf8) {
      try {
        utf8.decode(data, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
    await insertImportChunk(db, importId, seq++, data);
    pending = [];
    pendingBytes = 0;
  };
  for await (const piece of body as AsyncIterable<Buffer | string>) {
    const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    bytes += buf.length;
    if (bytes > MAX_IMPORT_BYTES) {
      body.destroy();
      throw new AppError('payload_too_large', `Imports are at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
    }
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes >= SPOOL_CHUNK_BYTES) await store();
  }
  if (pendingBytes > 0) await store();
  if (validUtf8) {
    try {
      utf8.decode();
    } catch {
      validUtf8 = false;
    }
  }
  return { bytes, head: head ?? new Uint8Array(), validUtf8 };
}

function toDto(row: ContactImportRow, errors: ImportErrorRow[], errorsStored: number): ContactImportDto {
  return {
    id: row.id,
    status: row.status,
    encoding: row.encoding,
    onExisting: row.on_existing,
    purpose: row.purpose,
    rows: row.rows,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
    errors: errors.map((e) => ({ row: e.row, column: e.col, code: e.code, message: e.message })),
    errorsStored,
    message: row.error_message,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

type ImportErrorRow = Awaited<ReturnType<typeof listImportErrors>>[number];

/** An import's progress and its first row errors (while it runs and after). */
export async function getImport(
  deps: ContactImportsDeps,
  workspaceId: string,
  id: string,
): Promise<ContactImportDto> {
  const row = await findImport(deps.db, workspaceId, id);
  if (!row) throw notFound('Import');
  const [errors, stored] = await Promise.all([
    listImportErrors(deps.db, id, STATUS_ERRORS),
    countImportErrors(deps.db, id),
  ]);
  return toDto(row, errors, stored);
}

/**
 * An import's stored row errors as CSV (UTF-8 with a BOM so Excel opens it): `row,column,code,message`, at most
 * {@link MAX_STORED_ERRORS} lines (≈1 MB), so built in memory.
 */
export async function importErrorsCsv(
  deps: ContactImportsDeps,
  workspaceId: string,
  id: string,
): Promise<string> {
  if (!(await findImport(deps.db, workspaceId, id))) throw notFound('Import');
  const errors = await listImportErrors(deps.db, id, MAX_STORED_ERRORS);
  const lines = [csvLine(['row', 'column', 'code', 'message'])];
  for (const e of errors) lines.push(csvLine([String(e.row), e.col ?? '', e.code, e.message]));
  return '\uFEFF' + lines.join('');
}

/**
 * A CSV import as a campaign audience: 404 for another workspace's import, 422 `audience_import_invalid` when it
 * was not started with `purpose=audience` or failed, and with `ready: true` refused as
 * 409 `audience_import_not_ready` while it is still received or read.
 */
export async function assertAudienceImport(
  deps: Pick<ContactImportsDeps, 'db'>,
  workspaceId: string,
  id: string,
  opts: { ready: boolean },
): Promise<void> {
  const row = await findImport(deps.db, workspaceId, id);
  if (!row) throw notFound('Import');
  if (row.purpose !== 'audience')
    throw new AppError('audience_import_invalid', 'The import was not started with purpose=audience', {
      importId: id,
      reason: 'not_audience',
    });
  if (row.status === 'failed')
    throw new AppError('audience_import_invalid', `The import failed: ${row.error_message ?? ''}`, {
      importId: id,
      reason: 'failed',
    });
  if (opts.ready && row.status !== 'done')
    throw new AppError('audience_import_not_ready', `The import is ${row.status}: launch when it is done`, {
      importId: id,
      status: row.status,
    });
}

/** SQL condition over contacts (alias `contactAlias`): the contact is one of an audience import's valid rows. */
export function audienceImportMembership(importId: string, contactAlias: string): RawBuilder<SqlBool> {
  return importRowsMembership(importId, contactAlias);
}
