-- +goose Up
-- A case's version moves with every change to it (its row, a Case Feed
-- entry, a file, a tag): a staff change carries the version its page was
-- read at, and one made on an older version is refused with what changed
-- meanwhile, so nobody silently overwrites another agent's or the
-- customer's change (optimistic concurrency; store/cases.go).
ALTER TABLE cases ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Tags staff put on a case, a few words each, to find and group cases.
CREATE TABLE case_tags (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    tag     TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_tags_tag ON case_tags(tag);

-- Saved replies (macros): a text with placeholders an agent inserts in a
-- reply, and the status it may set with it. Shared by every agent,
-- managed by support managers and portal admins.
CREATE TABLE macros (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT '',
    substatus  TEXT NOT NULL DEFAULT '',
    updated_by BIGINT REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL
);

-- The agent's case page marks a contact whose PIN staff checked on the
-- phone (the audit line of caller verification) by the contact's email.
CREATE INDEX audit_caller_verified ON audit(subject, at) WHERE action = 'caller_verified';

-- +goose Down
DROP INDEX audit_caller_verified;
DROP TABLE macros;
DROP TABLE case_tags;
ALTER TABLE cases DROP COLUMN version;
