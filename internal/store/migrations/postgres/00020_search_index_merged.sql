-- +goose Up
-- The text index takes each case's words as it is written instead of
-- gathering them in its pending list (fastupdate) until a vacuum: every
-- search reads that list whole, and a few thousand new cases made a staff
-- search for two common words cost 300 ms instead of 10 at 12,100 cases
-- (docs/benchmarks.md). What the list holds now is merged at once.
-- (SQLite's 00020 merges its text index into one segment.)
ALTER INDEX cases_search SET (fastupdate = off);
SELECT gin_clean_pending_list('cases_search');

-- +goose Down
ALTER INDEX cases_search RESET (fastupdate);
