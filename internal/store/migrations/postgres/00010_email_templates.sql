-- +goose Up
-- Email templates a portal admin edited, by kind; a kind without a row
-- uses the built-in layout.
CREATE TABLE email_templates (
    kind       TEXT PRIMARY KEY,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL
);

-- Followers of a case get its emails too.
CREATE TABLE case_followers (
    case_id  BIGINT NOT NULL REFERENCES cases(id),
    user_id  BIGINT NOT NULL REFERENCES users(id),
    since    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- +goose Down
DROP TABLE case_followers;
DROP TABLE email_templates;
