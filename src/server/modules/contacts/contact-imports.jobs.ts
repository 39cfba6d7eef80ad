import { Readable } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import iconv from 'iconv-lite';
import type { Clock } from '../../../lib/clock.ts';
import type { ContactImportRow, Db, DbOrTx } from '../../db/types.ts';
import { enqueueJob, type JobDefinition } from '../../jobs/queue.ts';
import { attributeSchemaOf } from './contact-attributes.service.ts';
import {
  ICONV_NAME,
  foldBatch,
  readRow,
  resolveColumns,
  rowColumns,
  type ImportEncoding,
  type ImportRowError,
  type ImportedRow,
  type RowContext,
} from './contact-imports.rules.ts';
import {
  countImportErrors,
  deleteImportChunks,
  findImportById,
  findImportChunk,
  insertImportErrors,
  insertImportRows,
  updateImport,
} from './contact-imports.repository.ts';
import { insertContactTags } from './contact-tags.repository.ts';
import { contactSearchKeys } from '../search/search-keys.service.ts';
import {
  contactKey,
  findOrCreateContacts,
  type InitialContactFields,
} from './contacts-resolve.repository.ts';
import { applyImportedContactFields } from './contacts.repository.ts';

/** Rows written per transaction (one checkpoint each). */
export const IMPORT_BATCH_ROWS = 2000;
/** Rows one run of the job reads before handing over to a fresh job (other jobs get their turn; leases stay short). */
export const IMPORT_SLICE_ROWS = 200_000;
/** Row errors stored per import; later ones are counted in `failed` but not stored. */
export const MAX_STORED_ERRORS = 10_000;
/** Largest CSV record read (all its cells together); a larger one ends the import as `failed`. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * A consent value an import set on a contact (source `import`). The consent module records these in its own
 * tables (history and current state) through {@link ContactImportDeps.onImportedConsent}, a batch at a time.
 */
export interface ImportedConsent {
  workspaceId: string;
  contactId: string;
  state: 'opted_in' | 'opted_out';
  source: 'import';
  importId: string;
  /** The row of the file that set it. */
  row: number;
}

/** What the import job uses. */
export interface ContactImportDeps {
  db: Db;
  clock: Clock;
  /**
   * The consent module's recording of imported consent, called in each batch's transaction: the only writer of
   * consent in an import (its history, current state and the contact's mirror `consent_state`).
   */
  onImportedConsent: (tx: DbOrTx, consents: ImportedConsent[]) => Promise<void>;
  /** Overrides of the batch and slice sizes (tests). */
  batchRows?: number;
  sliceRows?: number;
}

/** The `contacts.import` job: one slice of an import per run (see {@link runImportSlice}). */
export function contactImportJob(deps: ContactImportDeps): JobDefinition<'contacts.import'> {
  return {
    name: 'contacts.import',
    maxAttempts: 5,
    handle: async (payload) => runImportSlice(deps, payload.importId, payload.slice),
  };
}

/** The records of an import's spooled bytes, decoded and parsed as they are read (one chunk in memory at a time). */
function recordsOf(db: Db, imp: ContactImportRow): Parser {
  const decoder = iconv.getDecoder(ICONV_NAME[(imp.encoding ?? 'utf-8') as ImportEncoding]);
  async function* decoded(): AsyncGenerator<string> {
    for (let seq = 0; ; seq++) {
      const chunk = await findImportChunk(db, imp.id, seq);
      if (!chunk) break;
      const text = decoder.write(chunk);
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }
  const source = Readable.from(decoded());
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  source.on('error', (err) => parser.destroy(err));
  return source.pipe(parser);
}

/** A valid row, with its cells by header when the import is a campaign audience. */
type AudienceRow = ImportedRow & { columns?: Record<string, string> };

/**
 * What each phone's contact of a batch starts with if the batch creates it: the rows folded as for a new contact,
 * with the search key of the name. Computed before the batch's transaction, while the batch before it is being
 * written: the name's reading is most of a row's cost.
 */
async function initialFieldsOf(
  rows: readonly AudienceRow[],
  onExisting: 'update' | 'skip',
): Promise<Map<string, InitialContactFields>> {
  const writes = [...foldBatch(rows, new Set(rows.map((r) => r.waId)), onExisting).writes.values()];
  const keys = await contactSearchKeys(
    writes.map((w) => ({ name: w.name, profileName: null, waId: w.waId })),
  );
  return new Map(
    writes.map((w, i) => [
      w.waId,
      { name: w.name, attributes: w.attributes, marketingConsent: w.consent, searchKey: keys[i] as string },
    ]),
  );
}

interface Counters {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

/**
 * Reads the next slice of an import: parses the spooled CSV from the start, passes over the rows already
 * committed (`checkpoint_row`), then writes batches of rows, each in one transaction together with the counters,
 * its row errors and the new checkpoint — a crash loses at most the batch in flight, and the rerun resumes after
 * the last committed one. A batch whose checkpoint moved under it (a second runner) is abandoned. After
 * `sliceRows` rows the slice enqueues the next one in its last batch's transaction.
 */
export async function runImportSlice(
  deps: ContactImportDeps,
  importId: string,
  slice: number,
): Promise<void> {
  const imp = await findImportById(deps.db, importId);
  if (!imp || (imp.status !== 'queued' && imp.status !== 'running')) return;
  const batchRows = deps.batchRows ?? IMPORT_BATCH_ROWS;
  const sliceRows = deps.sliceRows ?? IMPORT_SLICE_ROWS;
  if (imp.status === 'queued') {
    await updateImport(deps.db, imp.id, { status: 'running', updated_at: deps.clock.now() });
  }
  const counters: Counters = {
    rows: imp.rows,
    created: imp.created,
    updated: imp.updated,
    skipped: imp.skipped,
    failed: imp.failed,
  };
  let checkpoint = imp.checkpoint_row;
  let errorsStored = await countImportErrors(deps.db, imp.id);
  const attributes = await attributeSchemaOf(deps.db, imp.workspace_id);
  const parser = recordsOf(deps.db, imp);

  let ctx: RowContext | null = null;
  let record = 0;
  let valid: AudienceRow[] = [];
  const audience = imp.purpose === 'audience';
  let errors: ImportRowError[] = [];
  let inBatch = 0;
  let readThisSlice = 0;

  // One batch is written while the parser reads the next (the database and the parsing overlap); batches commit
  // in file order, each after the one before.
  let writing: Promise<void> = Promise.resolve();
  const write = async (
    batch: {
      valid: AudienceRow[];
      errors: ImportRowError[];
      inBatch: number;
      initial: Map<string, InitialContactFields>;
    },
    last: 'more' | 'slice_end' | 'done',
  ) => {
    const target = checkpoint + batch.inBatch;
    const storable = batch.errors.slice(0, Math.max(0, MAX_STORED_ERRORS - errorsStored));
    await deps.db.transaction().execute(async (tx) => {
      const locked = await tx
        .selectFrom('contact_imports')
        .select('checkpoint_row')
        .where('id', '=', imp.id)
        .forUpdate()
        .executeTakeFirst();
      if (locked?.checkpoint_row !== checkpoint)
        throw new Error(`import ${imp.id}: checkpoint moved (another run)`);
      const outcome = await writeRows(deps, tx, imp, batch.valid, batch.initial);
      counters.rows += batch.inBatch;
      counters.created += outcome.created;
      counters.updated += outcome.updated;
      counters.skipped += outcome.skipped;
      counters.failed += batch.inBatch - batch.valid.length;
      await insertImportErrors(tx, imp.id, storable);
      const now = deps.clock.now();
      await updateImport(tx, imp.id, {
        ...counters,
        checkpoint_row: target,
        updated_at: now,
        ...(last === 'done' ? { status: 'done', finished_at: now } : {}),
      });
      if (last === 'slice_end') {
        await enqueueJob(
          tx,
          deps.clock,
          'contacts.import',
          { importId: imp.id, slice: slice + 1 },
          { workspaceId: imp.workspace_id, dedupeKey: `${imp.id}:${slice + 1}` },
        );
      }
      if (last === 'done') await deleteImportChunks(tx, imp.id);
    });
    errorsStored += storable.length;
    checkpoint = target;
  };
  /** Hands the batch read so far to the writer, after the batch before it has committed. */
  const flush = async (last: 'more' | 'slice_end' | 'done') => {
    const batch = { valid, errors, inBatch, initial: await initialFieldsOf(valid, imp.on_existing) };
    valid = [];
    errors = [];
    inBatch = 0;
    await writing;
    writing = write(batch, last);
    // A failed write is thrown where the next flush (or the end) waits for it; until then it is not unhandled.
    writing.catch(() => undefined);
    if (last !== 'more') await writing;
  };

  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      record++;
      if (!ctx) {
        const columns = resolveColumns(cells, imp.mapping);
        if ('error' in columns) return await failImport(deps, imp.id, `The header has ${columns.error}`);
        ctx = { ...columns, attributes, country: imp.country ?? undefined };
        continue;
      }
      if (record - 1 <= imp.checkpoint_row) continue;
      const read = readRow(cells, record, ctx);
      if (read.ok)
        valid.push(audience ? { ...read.value, columns: rowColumns(cells, ctx.names) } : read.value);
      else errors.push(...read.errors);
      inBatch++;
      readThisSlice++;
      if (readThisSlice >= sliceRows) {
        await flush('slice_end');
        parser.destroy();
        return;
      }
      if (inBatch >= batchRows) await flush('more');
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      if (inBatch > 0) await flush('more');
      await writing;
      return await failImport(
        deps,
        imp.id,
        code === 'CSV_MAX_RECORD_SIZE'
          ? `Row ${record + 1} is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`
          : `The file is not valid CSV after row ${record}: ${(err as Error).message}`,
      );
    }
    // The run fails (and is retried) only once no write of it is still in flight.
    await writing.catch(() => undefined);
    throw err;
  }
  if (!ctx) return await failImport(deps, imp.id, 'The file is empty');
  await flush('done');
}

/** Ends an import as failed (whole-file problem), keeping what committed batches did; the spool is deleted. */
async function failImport(deps: ContactImportDeps, importId: string, message: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    await updateImport(tx, importId, {
      status: 'failed',
      error_message: message,
      updated_at: now,
      finished_at: now,
    });
    await deleteImportChunks(tx, importId);
  });
}

/**
 * Writes a batch's valid rows: one contact per phone through `findOrCreateContacts` (a new contact is inserted
 * with its name, attributes and consent mirror: one row version), then the imported fields of existing contacts
 * when `onExisting` is `update`, the tags, the consent hook
 * (the only writer of consent, mirror included), and for an audience import the rows kept for the campaign — each
 * one set-based statement.
 */
async function writeRows(
  deps: ContactImportDeps,
  tx: DbOrTx,
  imp: ContactImportRow,
  rows: AudienceRow[],
  initial: ReadonlyMap<string, InitialContactFields>,
): Promise<{ created: number; updated: number; skipped: number }> {
  if (rows.length === 0) return { created: 0, updated: 0, skipped: 0 };
  const ws = imp.workspace_id;
  const now = deps.clock.now();
  const { ids, created } = await findOrCreateContacts(
    tx,
    now,
    rows.map((r) => ({
      workspaceId: ws,
      waId: r.waId,
      e164: r.e164,
      country: r.country,
      initial: initial.get(r.waId),
    })),
  );
  const idOf = (waId: string) => ids.get(contactKey(ws, waId)) as string;
  const createdWaIds = new Set(rows.filter((r) => created.has(idOf(r.waId))).map((r) => r.waId));
  const { writes, outcomes } = foldBatch(rows, createdWaIds, imp.on_existing);
  if (imp.purpose === 'audience') {
    // Every valid row is in the audience, whether it created, updated or only matched (skip) its contact.
    const seen = new Set<string>();
    await insertImportRows(
      tx,
      imp.id,
      rows.flatMap((r) => {
        const contactId = idOf(r.waId);
        if (seen.has(contactId)) return [];
        seen.add(contactId);
        return [{ contactId, row: r.row, columns: r.columns ?? {} }];
      }),
    );
  }
  const list = [...writes.values()];
  // Contacts this batch created already hold their fields; existing ones are updated.
  await applyImportedContactFields(
    tx,
    ws,
    now,
    list
      .filter((w) => !createdWaIds.has(w.waId))
      .filter((w) => w.name !== null || Object.keys(w.attributes).length > 0)
      .map((w) => ({ id: idOf(w.waId), name: w.name, attributes: w.attributes })),
  );
  await insertContactTags(
    tx,
    ws,
    now,
    list.flatMap((w) => w.tags.map((tag) => ({ contactId: idOf(w.waId), tag }))),
  );
  const consents: ImportedConsent[] = [];
  rows.forEach((r, i) => {
    if (r.consent && outcomes[i] !== 'skipped') {
      consents.push({
        workspaceId: ws,
        contactId: idOf(r.waId),
        state: r.consent,
        source: 'import',
        importId: imp.id,
        row: r.row,
      });
    }
  });
  if (consents.length > 0) await deps.onImportedConsent(tx, consents);
  return {
    created: outcomes.filter((o) => o === 'created').length,
    updated: outcomes.filter((o) => o === 'updated').length,
    skipped: outcomes.filter((o) => o === 'skipped').length,
  };
}
