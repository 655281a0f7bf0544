-- +goose Up
-- Customer escalations of cases. A case has at most one active
-- (requested or accepted) escalation: the partial unique index says so,
-- not only a check in code.
CREATE TABLE escalations (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    reason       TEXT NOT NULL,
    details      TEXT NOT NULL,
    state        TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    owner_id     BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL,
    decided_at   TIMESTAMPTZ,
    closed_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX escalations_one_active ON escalations(case_id) WHERE state IN ('requested', 'accepted');
CREATE INDEX escalations_case ON escalations(case_id, id);
CREATE INDEX escalations_active ON escalations(created_at) WHERE state IN ('requested', 'accepted');

-- The escalation's own feed, apart from the Case Feed.
CREATE TABLE escalation_entries (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    escalation_id BIGINT NOT NULL REFERENCES escalations(id),
    author_id     BIGINT REFERENCES users(id),
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX escalation_entries_escalation ON escalation_entries(escalation_id, id);

-- +goose Down
DROP TABLE escalation_entries;
DROP TABLE escalations;
