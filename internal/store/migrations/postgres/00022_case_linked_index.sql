-- +goose Up
-- A case may follow a closed one (linked_case_id). Without an index on
-- the reference, PostgreSQL checks every row of cases for each case
-- deleted (a test's or a benchmark's clean-up: 10,000 cases took over ten
-- minutes at 110,000); few cases have one, so the index is partial.
CREATE INDEX cases_linked ON cases(linked_case_id) WHERE linked_case_id IS NOT NULL;

-- +goose Down
DROP INDEX cases_linked;
