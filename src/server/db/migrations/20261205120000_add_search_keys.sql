-- Contact identity and Japanese-aware search (src/server/modules/search/search-key.rules.ts).
--
-- contacts.search_key and messages.search_text are computed by the application when a row is written (the reading
-- of kanji needs the kuromoji dictionary, which SQL does not have); rows written before this migration have NULL
-- and are filled by the `search.backfill` job, a batch at a time. A message without text gets '' (nothing to find).
--
-- Both are indexed by their distinct two-character substrings (GIN over a text[]): a search word of two or more
-- characters asks the index for rows holding all its bigrams, then LIKE confirms the substring. Bigrams rather
-- than pg_trgm because Japanese searches are often two characters (山田, 返品), which have no trigram, and
-- because a plain SQL function needs no extension on PGlite or PostgreSQL.
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS timezone text;
ALTER TABLE contacts ADD COLUMN search_key text;
ALTER TABLE messages ADD COLUMN search_text text;

-- Distinct two-character substrings (by character) of a text; the same as `bigrams` in search-key.rules.ts.
CREATE FUNCTION tsunagi_bigrams(t text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}'::text[]) FROM generate_series(1, length(t) - 1) AS i $$;

CREATE INDEX contacts_search_idx ON contacts USING gin (tsunagi_bigrams(search_key));
CREATE INDEX messages_search_idx ON messages USING gin (tsunagi_bigrams(search_text));
-- What the backfill job still has to do (empty once it is done).
CREATE INDEX contacts_search_pending_idx ON contacts (id) WHERE search_key IS NULL;
CREATE INDEX messages_search_pending_idx ON messages (id) WHERE search_text IS NULL;
