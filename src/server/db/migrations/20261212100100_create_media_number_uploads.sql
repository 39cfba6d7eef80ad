-- Graph media ids are per phone number and live 30 days: a file uploaded to Tsunagi (media row) is uploaded again
-- for each number that sends it (campaign media headers) and the id is reused while it is young. Written only by
-- the media module.
CREATE TABLE media_number_uploads (
  media_id uuid NOT NULL REFERENCES media(id) ON DELETE CASCADE,
  phone_number_id uuid NOT NULL REFERENCES phone_numbers(id) ON DELETE CASCADE,
  wa_media_id text NOT NULL,
  uploaded_at timestamptz NOT NULL,
  PRIMARY KEY (media_id, phone_number_id)
);
CREATE INDEX media_number_uploads_number_idx ON media_number_uploads (phone_number_id);
