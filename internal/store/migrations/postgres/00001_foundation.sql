-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE companies (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    parent_id  BIGINT REFERENCES companies(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX companies_name ON companies(name);

CREATE TABLE products (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE components (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id),
    name       TEXT NOT NULL,
    UNIQUE (product_id, name)
);

CREATE TABLE contracts (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    sold_to_id       BIGINT NOT NULL REFERENCES companies(id),
    end_user_id      BIGINT NOT NULL REFERENCES companies(id),
    support_owner_id BIGINT NOT NULL REFERENCES companies(id),
    level            TEXT NOT NULL,
    flex_care        TEXT NOT NULL DEFAULT '',
    deployment       TEXT NOT NULL,
    starts           TIMESTAMPTZ NOT NULL,
    ends             TIMESTAMPTZ NOT NULL,
    state            TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX contracts_combination ON contracts(sold_to_id, end_user_id);
CREATE INDEX contracts_end_user ON contracts(end_user_id);

CREATE TABLE contract_products (
    contract_id BIGINT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    product_id  BIGINT NOT NULL REFERENCES products(id),
    PRIMARY KEY (contract_id, product_id)
);

CREATE TABLE users (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              TEXT NOT NULL,
    email             TEXT NOT NULL UNIQUE,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    company_id        BIGINT REFERENCES companies(id),
    country           TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    mobile            TEXT NOT NULL DEFAULT '',
    pin               TEXT UNIQUE,
    roles             TEXT NOT NULL DEFAULT '',
    password_hash     TEXT NOT NULL DEFAULT '',
    terms_accepted_at TIMESTAMPTZ,
    terms_version     TEXT NOT NULL DEFAULT '',
    disabled          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_company ON users(company_id);

CREATE TABLE grants (
    contact_id  BIGINT NOT NULL REFERENCES users(id),
    sold_to_id  BIGINT NOT NULL REFERENCES companies(id),
    end_user_id BIGINT NOT NULL REFERENCES companies(id),
    level       TEXT NOT NULL,
    granted_at  TIMESTAMPTZ NOT NULL,
    granted_by  BIGINT REFERENCES users(id),
    PRIMARY KEY (contact_id, sold_to_id, end_user_id)
);
CREATE INDEX grants_combination ON grants(sold_to_id, end_user_id);

CREATE TABLE approvers (
    sold_to_id BIGINT NOT NULL REFERENCES companies(id),
    contact_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (sold_to_id, contact_id)
);
CREATE INDEX approvers_contact ON approvers(contact_id);

CREATE TABLE access_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id   BIGINT NOT NULL REFERENCES users(id),
    sold_to_id   BIGINT NOT NULL REFERENCES companies(id),
    end_user_id  BIGINT NOT NULL REFERENCES companies(id),
    level        TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    decided_by   BIGINT REFERENCES users(id),
    decided_at   TIMESTAMPTZ,
    decision     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX access_requests_sold_to ON access_requests(sold_to_id, state);
CREATE INDEX access_requests_contact ON access_requests(contact_id);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE one_time_tokens (
    token_hash BYTEA PRIMARY KEY,
    purpose    TEXT NOT NULL,
    user_id    BIGINT REFERENCES users(id),
    email      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE TABLE login_failures (
    id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '',
    address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);

-- Case numbers are case ids written with ten digits; they start at
-- 0001000001 and are never reused (identity columns never go back).
CREATE TABLE cases (
    id              BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1000001) PRIMARY KEY,
    sold_to_id      BIGINT NOT NULL REFERENCES companies(id),
    end_user_id     BIGINT NOT NULL REFERENCES companies(id),
    contact_id      BIGINT NOT NULL REFERENCES users(id),
    owner_id        BIGINT REFERENCES users(id),
    type            TEXT NOT NULL,
    sub_type        TEXT NOT NULL,
    product_id      BIGINT NOT NULL REFERENCES products(id),
    component_id    BIGINT NOT NULL REFERENCES components(id),
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
    linked_case_id  BIGINT REFERENCES cases(id),
    close_comment   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    closed_at       TIMESTAMPTZ,
    reopened_count  INTEGER NOT NULL DEFAULT 0,
    search          TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', summary), 'A') || setweight(to_tsvector('english', description), 'B')
    ) STORED
);
CREATE INDEX cases_contact_open ON cases(contact_id, updated_at DESC, id DESC) WHERE status <> 'closed';
CREATE INDEX cases_combination ON cases(sold_to_id, end_user_id, updated_at DESC, id DESC);
CREATE INDEX cases_combination_closed ON cases(sold_to_id, end_user_id, closed_at DESC, id DESC) WHERE status = 'closed';
CREATE INDEX cases_updated ON cases(updated_at DESC, id DESC);
CREATE INDEX cases_status ON cases(status, updated_at DESC, id DESC);
CREATE INDEX cases_owner ON cases(owner_id, updated_at DESC, id DESC);
CREATE INDEX cases_end_user ON cases(end_user_id, updated_at DESC, id DESC);
CREATE INDEX cases_search ON cases USING GIN (search);

CREATE TABLE case_entries (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    author_id  BIGINT REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_entries_case ON case_entries(case_id, id);

CREATE TABLE notifications (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    BIGINT REFERENCES users(id),
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    case_id    BIGINT REFERENCES cases(id),
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ
);
CREATE INDEX notifications_unsent ON notifications(id) WHERE sent_at IS NULL;

-- +goose Down
SELECT 'down migrations are not supported';
