-- Campaign audiences from CSV: an import started with purpose 'audience' keeps, for each valid row, the contact
-- the row created or matched (first row of a phone wins, in file order) and every cell of the row by header name,
-- so a campaign whose audience is { importId } plans exactly those contacts and fills template variables from CSV
-- columns. Rows hold personal data: they go with the import or the contact (cascade). Written only by the
-- contacts module; the campaigns module reads them through contacts' functions.
ALTER TABLE contact_imports
  ADD COLUMN purpose text NOT NULL DEFAULT 'contacts' CHECK (purpose IN ('contacts', 'audience'));

CREATE TABLE contact_import_rows (
  import_id uuid NOT NULL REFERENCES contact_imports(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  row integer NOT NULL,
  columns jsonb NOT NULL,
  PRIMARY KEY (import_id, contact_id)
);
CREATE INDEX contact_import_rows_contact_idx ON contact_import_rows (contact_id);
