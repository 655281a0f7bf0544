-- +goose Up
-- Temporary SFTP accounts: one case's upload area for 120 hours. The
-- password is kept while the account is active, because the case page
-- shows it then (as the handbook has it), and wiped when it expires;
-- logins are checked against its hash.
CREATE TABLE sftp_accounts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    username      TEXT NOT NULL UNIQUE,
    password      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_by    BIGINT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ
);
CREATE INDEX sftp_accounts_case ON sftp_accounts(case_id, id);
-- One active account per case at a time.
CREATE UNIQUE INDEX sftp_accounts_active ON sftp_accounts(case_id) WHERE ended_at IS NULL;

-- +goose Down
DROP TABLE sftp_accounts;
