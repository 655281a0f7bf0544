-- +goose Up
-- Jobs are everything that happens later: follow-ups, SLA warnings and
-- breaches, emails to send. A job is written in the same transaction as
-- the change that causes it; a worker claims due jobs with a lease, so a
-- job survives restarts and crashes and runs in one process at a time.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    -- key names a timer that can be replaced or cancelled in one update,
    -- e.g. "followup:1000042"; at most one pending job per key.
    key          TEXT,
    case_id      INTEGER REFERENCES cases(id),
    payload      TEXT NOT NULL DEFAULT '',
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    cancelled_at TIMESTAMP
);
CREATE INDEX jobs_due ON jobs(run_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX jobs_pending_key ON jobs(key) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX jobs_case ON jobs(case_id);

-- +goose Down
DROP TABLE jobs;
