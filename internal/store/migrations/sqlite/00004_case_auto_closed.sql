-- +goose Up
-- Set when automated follow-ups closed a case for want of a customer
-- response: then only staff may reopen it.
ALTER TABLE cases ADD COLUMN auto_closed BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE cases DROP COLUMN auto_closed;
