-- +goose Up
-- The models of the component a case's text points to (internal/classify),
-- trained from the instance's own cases by a job or a portal admin, kept
-- here so every instance of a cluster suggests with the same one: the
-- latest is in use, a few before it kept to compare.
CREATE TABLE component_models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    trained_at  TIMESTAMP NOT NULL,
    trained_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    cases       INTEGER NOT NULL,
    components  INTEGER NOT NULL,
    model       BLOB NOT NULL
);

-- +goose Down
DROP TABLE component_models;
