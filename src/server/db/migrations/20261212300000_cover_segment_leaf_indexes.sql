-- Segment leaves are semi-joins that read only a contact id from each of these tables: with the id in the index
-- (and, for the folded tag, the tag itself, which PostgreSQL needs to use an expression index for an index-only
-- scan) they are answered from the index without visiting the table.
-- "last_inbound_at within 7d": the recent conversations' contacts, in one index range.
CREATE INDEX conversations_last_inbound_contact_idx ON conversations (workspace_id, last_inbound_at, contact_id);
DROP INDEX conversations_last_inbound_idx;
-- "tag:購入済み": the contacts with a folded tag, or one contact's probe for it.
CREATE INDEX contact_tags_folded_covering_idx ON contact_tags (workspace_id, (lower(normalize(tag, NFKC))), contact_id)
  INCLUDE (tag);
DROP INDEX contact_tags_folded_idx;
-- "consent.marketing != opted_out": the contacts in one state of one purpose.
CREATE INDEX contact_consents_state_contact_idx ON contact_consents (workspace_id, purpose, state, contact_id);
DROP INDEX contact_consents_state_idx;
