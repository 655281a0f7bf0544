-- +goose Up
-- Resumable uploads (tus) while they grow. The bytes are staged in the file
-- store; received is how many of them count, hash_state the SHA-256 of
-- those bytes so far (so the hash goes on where a resumed upload stopped).
-- A partial upload is one part of a file sent in parallel pieces; it
-- becomes a case file only through a final upload that joins the parts.
CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    length       BIGINT NOT NULL,
    received     BIGINT NOT NULL DEFAULT 0,
    hash_state   BYTEA NOT NULL,
    partial      BOOLEAN NOT NULL DEFAULT FALSE,
    file_id      BIGINT REFERENCES case_files(id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX uploads_case ON uploads(case_id);

-- The data-protection acknowledgement before a first transfer, per case and
-- person.
CREATE TABLE file_acknowledgements (
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    acknowledged_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- +goose Down
DROP TABLE file_acknowledgements;
DROP TABLE uploads;
