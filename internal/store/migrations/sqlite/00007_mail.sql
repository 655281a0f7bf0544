-- +goose Up
-- Every case email carries the case's Reference ID, an unguessable token
-- that ties a reply to the case.
ALTER TABLE cases ADD COLUMN reference_id TEXT;
UPDATE cases SET reference_id = lower(hex(randomblob(10))) WHERE reference_id IS NULL;
CREATE UNIQUE INDEX cases_reference ON cases(reference_id);

-- Delivery of each email: its Message-ID once sent, and the attempts and
-- last error of a relay that refused it.
ALTER TABLE notifications ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN last_error TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE notifications DROP COLUMN last_error;
ALTER TABLE notifications DROP COLUMN attempts;
ALTER TABLE notifications DROP COLUMN message_id;
DROP INDEX cases_reference;
ALTER TABLE cases DROP COLUMN reference_id;
