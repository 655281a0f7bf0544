-- +goose Up
-- The files of knowledge items: images the body shows and attachments to
-- download. The bytes are in the file store under storage_key
-- (Caseport's own); name is what the editor's file was called, one name
-- once an item, and the address the body links to
-- (/knowledge/{id}/files/{name}).
CREATE TABLE kb_item_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id      INTEGER NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    added_at     TIMESTAMP NOT NULL,
    added_by     INTEGER REFERENCES users(id),
    UNIQUE (item_id, name)
);

-- +goose Down
DROP TABLE kb_item_files;
