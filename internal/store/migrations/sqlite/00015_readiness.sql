-- +goose Up
-- One row that the readiness check (GET /readyz) rewrites, so that ready
-- means the store commits a write (a full disk fails it), not only that it
-- answers a query.
CREATE TABLE readiness (
    id         INTEGER PRIMARY KEY,
    checked_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE readiness;
