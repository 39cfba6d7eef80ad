/**
 * The SQL condition of a search (see `parseSearchQuery`): for each word, any of its alternatives appears in the
 * key column. An alternative of two or more characters is first asked of a bigram GIN index, then confirmed by
 * LIKE; a one-character word is LIKE alone. Contacts are indexed on the expression `tsunagi_bigrams(search_key)`
 * (migration 20261205120000), messages on their stored `search_grams` codes (migration 20261208100000).
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { SearchQuery } from './search-key.rules.ts';

/** The key columns the search indexes cover. */
export type SearchColumn = 'contacts.search_key' | 'messages.search_text';

/** A boolean SQL expression: `column` matches every word of `query`. */
export function matchesSearch(column: SearchColumn, query: SearchQuery): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  const words = query.words.map(
    (alternatives) =>
      sql`(${sql.join(
        alternatives.map((a) =>
          a.grams.length === 0
            ? sql`${col} like ${a.pattern}`
            : column === 'messages.search_text'
              ? sql`(messages.search_grams @> ${a.codes}::int4[] and ${col} like ${a.pattern})`
              : sql`(tsunagi_bigrams(${col}) @> ${a.grams}::text[] and ${col} like ${a.pattern})`,
        ),
        sql` or `,
      )})`,
  );
  return sql<SqlBool>`(${sql.join(words, sql` and `)})`;
}
