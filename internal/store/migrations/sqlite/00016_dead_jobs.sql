-- +goose Up
-- A job that has used up its attempts, or failed for good (an SMTP 5xx),
-- is dead: it waits in the console for a portal admin to try it again or
-- discard it, and no longer counts as pending.
ALTER TABLE jobs ADD COLUMN dead_at TIMESTAMP;
DROP INDEX jobs_due;
DROP INDEX jobs_pending_key;
CREATE INDEX jobs_due ON jobs(run_at) WHERE done_at IS NULL AND cancelled_at IS NULL AND dead_at IS NULL;
-- The worker asks per kind (each kind has its own runners).
CREATE INDEX jobs_due_kind ON jobs(kind, run_at) WHERE done_at IS NULL AND cancelled_at IS NULL AND dead_at IS NULL;
CREATE UNIQUE INDEX jobs_pending_key ON jobs(key) WHERE done_at IS NULL AND cancelled_at IS NULL AND dead_at IS NULL;
CREATE INDEX jobs_dead ON jobs(dead_at) WHERE dead_at IS NOT NULL AND done_at IS NULL AND cancelled_at IS NULL;
-- A claim now moves run_at to the end of its lease, so the index of due
-- jobs says when a leased job may be taken again.
UPDATE jobs SET run_at = locked_until
    WHERE locked_until > run_at AND done_at IS NULL AND cancelled_at IS NULL;

-- +goose Down
DROP INDEX jobs_dead;
DROP INDEX jobs_pending_key;
DROP INDEX jobs_due_kind;
DROP INDEX jobs_due;
UPDATE jobs SET cancelled_at = dead_at WHERE dead_at IS NOT NULL AND done_at IS NULL AND cancelled_at IS NULL;
ALTER TABLE jobs DROP COLUMN dead_at;
CREATE INDEX jobs_due ON jobs(run_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX jobs_pending_key ON jobs(key) WHERE done_at IS NULL AND cancelled_at IS NULL;
