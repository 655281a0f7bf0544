-- +goose Up
-- A case's service-level clocks: the first response, and the root-cause
-- analysis once staff mark all information provided. A clock runs on the
-- case's calendar towards due_at; it pauses while the case waits on the
-- customer (due_at is then NULL and left keeps the business time that
-- remained) and is met once. warned_at and breached_at record that the
-- warning and the breach each fired once.
CREATE TABLE case_clocks (
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL,
    calendar_id  BIGINT REFERENCES calendars(id),
    amount       INTEGER NOT NULL,
    unit         TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    due_at       TIMESTAMPTZ,
    left_ms      BIGINT NOT NULL DEFAULT 0,
    met_at       TIMESTAMPTZ,
    warned_at    TIMESTAMPTZ,
    breached_at  TIMESTAMPTZ,
    PRIMARY KEY (case_id, kind)
);

-- The pauses of each clock, for the case page's history.
CREATE TABLE clock_pauses (
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    ended_at   TIMESTAMPTZ,
    reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX clock_pauses_case ON clock_pauses(case_id, kind, started_at);

-- The earliest deadline of a running clock, for the queue's "time to
-- breach" order.
ALTER TABLE cases ADD COLUMN sla_due_at TIMESTAMPTZ;
CREATE INDEX cases_sla_due ON cases(sla_due_at, id) WHERE status <> 'closed' AND sla_due_at IS NOT NULL;

-- +goose Down
DROP INDEX cases_sla_due;
ALTER TABLE cases DROP COLUMN sla_due_at;
DROP TABLE clock_pauses;
DROP TABLE case_clocks;
