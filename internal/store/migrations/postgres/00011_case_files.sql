-- +goose Up
-- The files of a case: what customers send (by upload, SFTP or email) and
-- what support shares back. The bytes live in the file store under
-- storage_key; a purged file keeps its line, with purged_at.
CREATE TABLE case_files (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    direction    TEXT NOT NULL,
    uploaded_by  BIGINT REFERENCES users(id),
    storage_key  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    purged_at    TIMESTAMPTZ
);
CREATE INDEX case_files_case ON case_files(case_id, id);

-- +goose Down
DROP TABLE case_files;
