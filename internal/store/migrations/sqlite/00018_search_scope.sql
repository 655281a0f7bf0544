-- +goose Up
-- Keyword search within what a reader may see, without walking: the text
-- index holds, beside a case's words, the words of its scope (column
-- scope): its Sold To / End User combination (cb<sold to>x<end user>),
-- its companies (co<id>) and its contact (ct<id>). A customer's search is
-- then one intersection inside FTS5 (their combinations' words AND the
-- typed words), read newest case first, instead of a walk over every case
-- with the word, testing each for the customer. Whether a case is closed
-- is not indexed: a customer's matches are few, and the list tests them;
-- a status change then costs no reindexing. The view is the index's
-- content table, so 'rebuild' and the triggers agree on what a case
-- indexes.
DROP TRIGGER cases_fts_insert;
DROP TRIGGER cases_fts_delete;
DROP TRIGGER cases_fts_update;
DROP TABLE cases_fts;
CREATE VIEW cases_fts_source AS
SELECT id, summary, description,
    'cb' || sold_to_id || 'x' || end_user_id || ' co' || sold_to_id || ' co' || end_user_id || ' ct' || contact_id AS scope
FROM cases;
CREATE VIRTUAL TABLE cases_fts USING fts5(summary, description, scope, content='cases_fts_source', content_rowid='id', tokenize='porter unicode61');
INSERT INTO cases_fts(cases_fts) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, summary, description, scope)
    SELECT id, summary, description, scope FROM cases_fts_source WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, summary, description, scope) VALUES ('delete', old.id, old.summary, old.description,
        'cb' || old.sold_to_id || 'x' || old.end_user_id || ' co' || old.sold_to_id || ' co' || old.end_user_id || ' ct' || old.contact_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_update AFTER UPDATE OF summary, description, sold_to_id, end_user_id, contact_id ON cases
WHEN old.summary IS NOT new.summary OR old.description IS NOT new.description OR old.sold_to_id IS NOT new.sold_to_id
    OR old.end_user_id IS NOT new.end_user_id OR old.contact_id IS NOT new.contact_id
BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, summary, description, scope) VALUES ('delete', old.id, old.summary, old.description,
        'cb' || old.sold_to_id || 'x' || old.end_user_id || ' co' || old.sold_to_id || ' co' || old.end_user_id || ' ct' || old.contact_id);
    INSERT INTO cases_fts(rowid, summary, description, scope)
    SELECT id, summary, description, scope FROM cases_fts_source WHERE id = new.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER cases_fts_insert;
DROP TRIGGER cases_fts_delete;
DROP TRIGGER cases_fts_update;
DROP TABLE cases_fts;
DROP VIEW cases_fts_source;
CREATE VIRTUAL TABLE cases_fts USING fts5(summary, description, content='cases', content_rowid='id', tokenize='porter unicode61');
INSERT INTO cases_fts(cases_fts) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, summary, description) VALUES (new.id, new.summary, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, summary, description) VALUES ('delete', old.id, old.summary, old.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_update AFTER UPDATE OF summary, description ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, summary, description) VALUES ('delete', old.id, old.summary, old.description);
    INSERT INTO cases_fts(rowid, summary, description) VALUES (new.id, new.summary, new.description);
END;
-- +goose StatementEnd
