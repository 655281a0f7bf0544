-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE companies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    parent_id  INTEGER REFERENCES companies(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX companies_name ON companies(name);

CREATE TABLE products (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE components (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products(id),
    name       TEXT NOT NULL,
    UNIQUE (product_id, name)
);

CREATE TABLE contracts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT NOT NULL UNIQUE,
    sold_to_id       INTEGER NOT NULL REFERENCES companies(id),
    end_user_id      INTEGER NOT NULL REFERENCES companies(id),
    support_owner_id INTEGER NOT NULL REFERENCES companies(id),
    level            TEXT NOT NULL,
    flex_care        TEXT NOT NULL DEFAULT '',
    deployment       TEXT NOT NULL,
    starts           TIMESTAMP NOT NULL,
    ends             TIMESTAMP NOT NULL,
    state            TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX contracts_combination ON contracts(sold_to_id, end_user_id);
CREATE INDEX contracts_end_user ON contracts(end_user_id);

CREATE TABLE contract_products (
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    PRIMARY KEY (contract_id, product_id)
);

CREATE TABLE users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL,
    email             TEXT NOT NULL UNIQUE,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    company_id        INTEGER REFERENCES companies(id),
    country           TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    mobile            TEXT NOT NULL DEFAULT '',
    pin               TEXT UNIQUE,
    roles             TEXT NOT NULL DEFAULT '',
    password_hash     TEXT NOT NULL DEFAULT '',
    terms_accepted_at TIMESTAMP,
    terms_version     TEXT NOT NULL DEFAULT '',
    disabled          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX users_company ON users(company_id);

CREATE TABLE grants (
    contact_id  INTEGER NOT NULL REFERENCES users(id),
    sold_to_id  INTEGER NOT NULL REFERENCES companies(id),
    end_user_id INTEGER NOT NULL REFERENCES companies(id),
    level       TEXT NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    granted_by  INTEGER REFERENCES users(id),
    PRIMARY KEY (contact_id, sold_to_id, end_user_id)
);
CREATE INDEX grants_combination ON grants(sold_to_id, end_user_id);

CREATE TABLE approvers (
    sold_to_id INTEGER NOT NULL REFERENCES companies(id),
    contact_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (sold_to_id, contact_id)
);
CREATE INDEX approvers_contact ON approvers(contact_id);

CREATE TABLE access_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id   INTEGER NOT NULL REFERENCES users(id),
    sold_to_id   INTEGER NOT NULL REFERENCES companies(id),
    end_user_id  INTEGER NOT NULL REFERENCES companies(id),
    level        TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    decided_by   INTEGER REFERENCES users(id),
    decided_at   TIMESTAMP,
    decision     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX access_requests_sold_to ON access_requests(sold_to_id, state);
CREATE INDEX access_requests_contact ON access_requests(contact_id);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE one_time_tokens (
    token_hash BLOB PRIMARY KEY,
    purpose    TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    email      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '',
    address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);

-- Case numbers are case ids written with ten digits; they start at
-- 0001000001 and are never reused (AUTOINCREMENT).
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sold_to_id      INTEGER NOT NULL REFERENCES companies(id),
    end_user_id     INTEGER NOT NULL REFERENCES companies(id),
    contact_id      INTEGER NOT NULL REFERENCES users(id),
    owner_id        INTEGER REFERENCES users(id),
    type            TEXT NOT NULL,
    sub_type        TEXT NOT NULL,
    product_id      INTEGER NOT NULL REFERENCES products(id),
    component_id    INTEGER NOT NULL REFERENCES components(id),
    summary         TEXT NOT NULL,
    description     TEXT NOT NULL,
    priority        TEXT NOT NULL,
    severity        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    substatus       TEXT NOT NULL,
    stage           TEXT NOT NULL,
    security_threat BOOLEAN NOT NULL DEFAULT FALSE,
    business_impact TEXT NOT NULL DEFAULT '',
    agents_affected INTEGER NOT NULL DEFAULT 0,
    external_ref    TEXT NOT NULL DEFAULT '',
    linked_case_id  INTEGER REFERENCES cases(id),
    close_comment   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    closed_at       TIMESTAMP,
    reopened_count  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('cases', 1000000);
CREATE INDEX cases_contact_open ON cases(contact_id, updated_at DESC, id DESC) WHERE status <> 'closed';
CREATE INDEX cases_combination ON cases(sold_to_id, end_user_id, updated_at DESC, id DESC);
CREATE INDEX cases_combination_closed ON cases(sold_to_id, end_user_id, closed_at DESC, id DESC) WHERE status = 'closed';
CREATE INDEX cases_updated ON cases(updated_at DESC, id DESC);
CREATE INDEX cases_status ON cases(status, updated_at DESC, id DESC);
CREATE INDEX cases_owner ON cases(owner_id, updated_at DESC, id DESC);
CREATE INDEX cases_end_user ON cases(end_user_id, updated_at DESC, id DESC);

-- Keyword search: an external-content FTS5 index over summary and
-- description, kept in step by triggers.
CREATE VIRTUAL TABLE cases_fts USING fts5(summary, description, content='cases', content_rowid='id', tokenize='porter unicode61');
-- +goose StatementBegin
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, summary, description) VALUES (new.id, new.summary, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, summary, description) VALUES ('delete', old.id, old.summary, old.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_update AFTER UPDATE OF summary, description ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, summary, description) VALUES ('delete', old.id, old.summary, old.description);
    INSERT INTO cases_fts(rowid, summary, description) VALUES (new.id, new.summary, new.description);
END;
-- +goose StatementEnd

CREATE TABLE case_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    author_id  INTEGER REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_entries_case ON case_entries(case_id, id);

-- Notifications written in the same transaction as the change that causes
-- them; a sender delivers them later.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    case_id    INTEGER REFERENCES cases(id),
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
CREATE INDEX notifications_unsent ON notifications(id) WHERE sent_at IS NULL;

-- +goose Down
SELECT 'down migrations are not supported';
