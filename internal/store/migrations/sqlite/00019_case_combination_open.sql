-- +goose Up
-- Group Cases (a combination's cases that are not closed, newest activity
-- first) walked cases_combination, which holds the combination's closed
-- cases too: at 1,000 cases a customer, most of them closed, a page meant
-- reading most of them. The open ones get an index of their own, as a
-- contact's open cases (cases_contact_open) and the queue have.
CREATE INDEX cases_combination_open ON cases(sold_to_id, end_user_id, updated_at DESC, id DESC) WHERE status <> 'closed';

-- +goose Down
DROP INDEX cases_combination_open;
