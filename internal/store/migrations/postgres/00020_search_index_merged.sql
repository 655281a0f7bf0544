-- +goose Up
-- SQLite's text index is merged into one segment here (see its 00020);
-- PostgreSQL's GIN index needs nothing.
SELECT 1;

-- +goose Down
SELECT 1;
