-- +goose Up
-- A mail server resends a message whose 250 it never saw (Caseport crashed
-- after keeping it, or the connection dropped): the key of its sender and
-- Message-ID (or content, when it has none) keeps it once, even when two
-- processes receive the resend at the same time. Rows kept before this
-- have no key.
ALTER TABLE inbound_mail ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX inbound_mail_dedup ON inbound_mail(dedup_key);

-- +goose Down
DROP INDEX inbound_mail_dedup;
ALTER TABLE inbound_mail DROP COLUMN dedup_key;
