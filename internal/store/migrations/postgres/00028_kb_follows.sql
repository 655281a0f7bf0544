-- +goose Up
-- Follows of the knowledge (Manage Alerts): a query (query holds the
-- search as the knowledge area runs it, search the results page's query
-- string, description what the reader calls it), an item, or the
-- security advisories (the profile's switch). delivery is when its
-- alerts go out; last_alert_at is where its next alert starts.
CREATE TABLE kb_follows (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('query', 'item', 'advisories')),
    item_id       BIGINT REFERENCES kb_items(id) ON DELETE CASCADE,
    query         TEXT NOT NULL,
    search        TEXT NOT NULL,
    description   TEXT NOT NULL,
    delivery      TEXT NOT NULL CHECK (delivery IN ('daily', 'weekly', 'monthly', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')),
    created_at    TIMESTAMPTZ NOT NULL,
    last_alert_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX kb_follows_item ON kb_follows(user_id, item_id) WHERE kind = 'item';
CREATE UNIQUE INDEX kb_follows_query ON kb_follows(user_id, query) WHERE kind = 'query';
CREATE UNIQUE INDEX kb_follows_advisories ON kb_follows(user_id) WHERE kind = 'advisories';
CREATE INDEX kb_follows_delivery ON kb_follows(delivery, user_id);

-- Every version of an item an alert told a user of: never the same
-- update twice.
CREATE TABLE kb_alerts_sent (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, item_id, version)
);

-- The stop links of alert emails, by their token's hash: the follows
-- (comma-separated IDs) the email was for.
CREATE TABLE kb_alert_stops (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    follows    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE kb_alert_stops;
DROP TABLE kb_alerts_sent;
DROP TABLE kb_follows;
