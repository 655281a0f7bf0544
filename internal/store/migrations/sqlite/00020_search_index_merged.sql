-- +goose Up
-- 00018 rebuilt the text index in one pass, which leaves segments FTS5 then
-- merges a few pages at a time on every later write: at a million cases
-- that merging was a third of the CPU a case create cost on SQLite, for
-- thousands of creates. Merging them now, once, costs about 5 s at a
-- million cases (docs/benchmarks.md).
INSERT INTO cases_fts (cases_fts) VALUES ('optimize');

-- +goose Down
SELECT 1;
