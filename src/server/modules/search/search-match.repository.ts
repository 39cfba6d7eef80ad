/**
 * The SQL condition of a search (see `parseSearchQuery`): for each word, any of its alternatives appears in the
 * key column. An alternative of two or more characters is first asked of the bigram GIN index
 * (`tsunagi_bigrams(column) @> grams`, the expression the indexes of migration 20261205120000 are built on),
 * then confirmed by LIKE; a one-character word is LIKE alone.
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
          a.grams.length > 0
            ? sql`(tsunagi_bigrams(${col}) @> ${a.grams}::text[] and ${col} like ${a.pattern})`
            : sql`${col} like ${a.pattern}`,
        ),
        sql` or `,
      )})`,
  );
  return sql<SqlBool>`(${sql.join(words, sql` and `)})`;
}
