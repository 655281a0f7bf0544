-- +goose Up
-- An access request keeps the Org IDs its requester typed. One that names
-- no Sold To and End User joined by a Service Contract is kept too, with
-- no companies, so support staff can help; the requester's answer is the
-- same either way. SQLite cannot drop NOT NULL in place: the table is
-- rebuilt.
CREATE TABLE access_requests_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id   INTEGER NOT NULL REFERENCES users(id),
    sold_to_id   INTEGER REFERENCES companies(id),
    end_user_id  INTEGER REFERENCES companies(id),
    sold_to_org  TEXT NOT NULL DEFAULT '',
    end_user_org TEXT NOT NULL DEFAULT '',
    level        TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    decided_by   INTEGER REFERENCES users(id),
    decided_at   TIMESTAMP,
    decision     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
INSERT INTO access_requests_new (id, contact_id, sold_to_id, end_user_id, sold_to_org, end_user_org, level, reason,
        state, requested_by, decided_by, decided_at, decision, created_at)
    SELECT r.id, r.contact_id, r.sold_to_id, r.end_user_id, st.org_id, eu.org_id, r.level, r.reason,
        r.state, r.requested_by, r.decided_by, r.decided_at, r.decision, r.created_at
    FROM access_requests r JOIN companies st ON st.id = r.sold_to_id JOIN companies eu ON eu.id = r.end_user_id;
DROP TABLE access_requests;
ALTER TABLE access_requests_new RENAME TO access_requests;
CREATE INDEX access_requests_sold_to ON access_requests(sold_to_id, state);
CREATE INDEX access_requests_contact ON access_requests(contact_id);
-- Counting a requester's recent requests, for the rate limit.
CREATE INDEX access_requests_requested_by ON access_requests(requested_by, created_at);
-- Whether a user signed in from an address before: such sign-ins pass
-- the per-address limit.
CREATE INDEX audit_sign_in ON audit(actor_id, address) WHERE action = 'sign_in';

-- +goose Down
DROP INDEX audit_sign_in;
DELETE FROM access_requests WHERE sold_to_id IS NULL OR end_user_id IS NULL;
DROP INDEX access_requests_requested_by;
ALTER TABLE access_requests DROP COLUMN sold_to_org;
ALTER TABLE access_requests DROP COLUMN end_user_org;
