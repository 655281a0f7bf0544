-- +goose Up
-- The staff queue, and an agent's own queue, list the cases that are not
-- closed, newest first. Most cases are closed, so without these partial
-- indexes a queue walks past them (or sorts every open case) on each page.
CREATE INDEX cases_open_updated ON cases(updated_at DESC, id DESC) WHERE status <> 'closed';
CREATE INDEX cases_owner_open ON cases(owner_id, updated_at DESC, id DESC) WHERE status <> 'closed';

-- +goose Down
DROP INDEX cases_owner_open;
DROP INDEX cases_open_updated;
