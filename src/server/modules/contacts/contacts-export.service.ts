import iconv from 'iconv-lite';
import { sql, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { ContactExportQuerySchema } from '../../../contracts/contact-imports.schemas.ts';
import type { ContactRow, Db } from '../../db/types.ts';
import type { Clock } from '../../../lib/clock.ts';
import { segmentMembership } from '../segments/segments.service.ts';
import { findAttributeDefinitions } from './contact-attributes.repository.ts';
import { findTagsOfContacts } from './contact-tags.repository.ts';
import { csvLine } from './contacts-csv.rules.ts';
import { findAttributeKeysInUse, pageContactsForExport } from './contacts.repository.ts';

/** Contacts read per query while exporting. */
const EXPORT_PAGE = 1000;

/** The text of an attribute value in a cell (objects and arrays as JSON). */
function attributeCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * A workspace's contacts as CSV, produced page by page (memory stays flat for any number of contacts), in the
 * import's own format — `phone,name,tags,consent,attr.<key>…` with every defined key and every key in use — so
 * an export imports back unchanged. UTF-8 starts with a BOM (Excel reads it as UTF-8 only then); Shift_JIS is
 * Windows-31J, and characters it lacks become `?`. Every cell is formula-neutralised (see `csvCell`). Every
 * contact, or those with `tag`, of `segmentId` (as it stands now) or among `contactIds`.
 */
export async function exportContactsCsv(
  deps: { db: Db; clock: Clock },
  workspaceId: string,
  query: Omit<z.infer<typeof ContactExportQuerySchema>, 'format'> & {
    /** Only these contacts (a console selection; ids of other workspaces are not matched). */
    contactIds?: readonly string[];
  },
): Promise<AsyncGenerator<Buffer>> {
  // A segment's contacts: its condition compiled at now, over the export's own keyset-paged query.
  const member =
    query.segmentId !== undefined
      ? await segmentMembership(deps, workspaceId, query.segmentId, 'contacts')
      : query.contactIds !== undefined
        ? sql<SqlBool>`contacts.id = any(${[...query.contactIds]}::uuid[])`
        : undefined;
  const defined = (await findAttributeDefinitions(deps.db, workspaceId)).map((d) => d.key);
  const keys = [...new Set([...defined, ...(await findAttributeKeysInUse(deps.db, workspaceId))])].sort();
  const encode = (text: string) =>
    query.encoding === 'shift_jis' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8');
  const line = (c: ContactRow, tags: string[]) =>
    csvLine([
      c.phone_e164 ?? `+${c.wa_id}`,
      c.name ?? '',
      tags.join(';'),
      c.consent_state === 'unknown' ? '' : c.consent_state,
      ...keys.map((k) => attributeCell(c.attributes[k])),
    ]);
  async function* lines(): AsyncGenerator<Buffer> {
    const header = csvLine(['phone', 'name', 'tags', 'consent', ...keys.map((k) => `attr.${k}`)]);
    yield encode((query.encoding === 'utf-8' ? '\uFEFF' : '') + header);
    let after: string | null = null;
    for (;;) {
      const page = await pageContactsForExport(deps.db, {
        workspaceId,
        afterId: after,
        limit: EXPORT_PAGE,
        tag: query.tag,
        ...(member ? { where: member } : {}),
      });
      if (page.length === 0) return;
      const tags = await findTagsOfContacts(
        deps.db,
        workspaceId,
        page.map((c) => c.id),
      );
      yield encode(page.map((c) => line(c, tags.get(c.id) ?? [])).join(''));
      after = page[page.length - 1]!.id;
      if (page.length < EXPORT_PAGE) return;
    }
  }
  return lines();
}
