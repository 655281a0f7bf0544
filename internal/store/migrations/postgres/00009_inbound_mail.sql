-- +goose Up
-- Every message received for the support address, kept raw until it is
-- processed: appended to a case, sent to triage with the reason, or
-- ignored (automatic messages). A job processes each one, so a message
-- that cannot be read never blocks the others.
CREATE TABLE inbound_mail (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       TEXT NOT NULL,
    mail_from    TEXT NOT NULL DEFAULT '',
    rcpt_to      TEXT NOT NULL DEFAULT '',
    raw          BYTEA,
    received_at  TIMESTAMPTZ NOT NULL,
    state        TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    sender       TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    case_id      BIGINT REFERENCES cases(id),
    processed_at TIMESTAMPTZ
);
CREATE INDEX inbound_mail_state ON inbound_mail(state, id);

-- +goose Down
DROP TABLE inbound_mail;
