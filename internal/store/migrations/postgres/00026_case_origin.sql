-- +goose Up
-- How a case was opened: on the portal, by phone (staff for a caller
-- whose PIN they verified) or through the API. Cases from before were
-- opened on the portal or by API alike; they count as the portal's.
ALTER TABLE cases ADD COLUMN origin TEXT NOT NULL DEFAULT 'portal' CHECK (origin IN ('portal', 'phone', 'api'));

-- +goose Down
ALTER TABLE cases DROP COLUMN origin;
