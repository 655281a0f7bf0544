-- +goose Up
-- The staff queue's saved views: a name and the queue's query string,
-- personal (owner_id) or shared with every staff member (owner_id NULL).
-- A name is unique among one person's views, and among the shared ones.
CREATE TABLE queue_views (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    owner_id   INTEGER REFERENCES users(id),
    query      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX queue_views_personal ON queue_views(owner_id, name) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX queue_views_shared ON queue_views(name) WHERE owner_id IS NULL;

-- The queue's orders: newest or oldest case first walks the open cases by
-- number; the deadline order goes on, after the running clocks
-- (cases_sla_due), with the open cases that have none, latest activity
-- first.
CREATE INDEX cases_open_number ON cases(id) WHERE status <> 'closed';
CREATE INDEX cases_open_no_clock ON cases(updated_at DESC, id DESC) WHERE status <> 'closed' AND sla_due_at IS NULL;

-- A case merged into another (a duplicate) is closed and points at the
-- case that goes on.
ALTER TABLE cases ADD COLUMN merged_into_id INTEGER REFERENCES cases(id);
CREATE INDEX cases_merged_into ON cases(merged_into_id) WHERE merged_into_id IS NOT NULL;

-- The console's global search: a prefix of a company's name, a contact's
-- name or last name, read as a range of these indexes (emails are stored
-- in lower case and have their unique index).
CREATE INDEX companies_name_lower ON companies(lower(name));
CREATE INDEX users_name_lower ON users(lower(first_name || ' ' || last_name));
CREATE INDEX users_last_name_lower ON users(lower(last_name));

-- The console's notifications (the bell): one row per event for one staff
-- member, read or not; and, per kind of event, whether it is also emailed
-- (no row: the kind's default).
CREATE TABLE staff_notices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    actor_id   INTEGER REFERENCES users(id),
    detail     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX staff_notices_user ON staff_notices(user_id, id);
CREATE INDEX staff_notices_unread ON staff_notices(user_id, id) WHERE read_at IS NULL;
CREATE INDEX staff_notices_case ON staff_notices(case_id);
CREATE INDEX staff_notices_actor ON staff_notices(actor_id) WHERE actor_id IS NOT NULL;
CREATE TABLE notice_prefs (
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind    TEXT NOT NULL,
    email   BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- +goose Down
DROP TABLE notice_prefs;
DROP TABLE staff_notices;
DROP INDEX users_last_name_lower;
DROP INDEX users_name_lower;
DROP INDEX companies_name_lower;
DROP INDEX cases_merged_into;
ALTER TABLE cases DROP COLUMN merged_into_id;
DROP INDEX cases_open_no_clock;
DROP INDEX cases_open_number;
DROP TABLE queue_views;
