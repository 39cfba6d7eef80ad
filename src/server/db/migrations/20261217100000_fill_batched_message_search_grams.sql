-- Outbound messages queued through POST /api/v1/messages/batch were stored with their search text but without
-- search_grams (the insert computed the bigram codes and left the column out), so message search, which asks the
-- search_grams index first, never found them. The insert now stores them (messages.repository.ts,
-- `insertOutboundMessages`); this fills the rows written before, with the same codes the application computes
-- (tsunagi_bigram_codes, migration 20261208100000, tested equal to `bigramCodes`). Rows whose search text is still
-- NULL are left to the search backfill job, which writes both columns.
UPDATE messages SET search_grams = tsunagi_bigram_codes(search_text)
WHERE search_grams IS NULL AND search_text IS NOT NULL;
