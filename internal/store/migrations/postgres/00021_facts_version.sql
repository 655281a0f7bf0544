-- +goose Up
-- The facts nearly every request reads and few change: who an actor is and
-- what they may do (users, companies, grants, approvers, contracts and
-- their products), the catalogue, the service-level targets, calendars,
-- settings and email templates. Every change to them moves
-- facts_version.version in its own transaction, so the store may keep
-- them in memory and check with one look-up by key that they are still
-- those of the database (store/facts.go). A version is a random number,
-- not a count: a database taken back in time (a restore, a fail-over)
-- must not meet a memory that holds the same number for other facts.
CREATE TABLE facts_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO facts_version (id, version) VALUES (1, 1);
-- On PostgreSQL the version moves at commit (a deferred constraint
-- trigger), once a transaction: its row is locked only while the
-- transaction commits, so writers of these tables neither queue on it for
-- their whole length nor deadlock over it. Until then the statement
-- trigger marks the transaction (caseport.facts_changed, a setting local
-- to it, undone with a rolled-back savepoint), so that its own later reads
-- skip the memory.
-- +goose StatementBegin
CREATE FUNCTION facts_new_version() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT (floor((random() * 2 - 1) * 9.2e18))::bigint
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION facts_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('caseport.facts_changed', 'yes', true);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION facts_move_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('caseport.facts_moved', true) IS DISTINCT FROM 'yes' THEN
        UPDATE facts_version SET version = facts_new_version() WHERE id = 1;
        PERFORM set_config('caseport.facts_moved', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- TRUNCATE fires no row trigger: it moves the version at once (it holds
-- the table's exclusive lock until commit anyway).
-- +goose StatementBegin
CREATE FUNCTION facts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('caseport.facts_changed', 'yes', true);
    UPDATE facts_version SET version = facts_new_version() WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON users DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON companies FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON companies DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON companies FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON grants FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON grants DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON grants FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON approvers FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON approvers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON approvers FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON contracts FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON contracts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON contracts FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON contract_products FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON contract_products DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON contract_products FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON products DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON products FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON components FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON components DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON components FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON settings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON settings FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON email_templates FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON email_templates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON email_templates FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON sla_targets FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON sla_targets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON sla_targets FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON calendars FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON calendars DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON calendars FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();

-- +goose Down
DROP TRIGGER facts_mark_changed ON users;
DROP TRIGGER facts_move_version ON users;
DROP TRIGGER facts_truncated ON users;
DROP TRIGGER facts_mark_changed ON companies;
DROP TRIGGER facts_move_version ON companies;
DROP TRIGGER facts_truncated ON companies;
DROP TRIGGER facts_mark_changed ON grants;
DROP TRIGGER facts_move_version ON grants;
DROP TRIGGER facts_truncated ON grants;
DROP TRIGGER facts_mark_changed ON approvers;
DROP TRIGGER facts_move_version ON approvers;
DROP TRIGGER facts_truncated ON approvers;
DROP TRIGGER facts_mark_changed ON contracts;
DROP TRIGGER facts_move_version ON contracts;
DROP TRIGGER facts_truncated ON contracts;
DROP TRIGGER facts_mark_changed ON contract_products;
DROP TRIGGER facts_move_version ON contract_products;
DROP TRIGGER facts_truncated ON contract_products;
DROP TRIGGER facts_mark_changed ON products;
DROP TRIGGER facts_move_version ON products;
DROP TRIGGER facts_truncated ON products;
DROP TRIGGER facts_mark_changed ON components;
DROP TRIGGER facts_move_version ON components;
DROP TRIGGER facts_truncated ON components;
DROP TRIGGER facts_mark_changed ON settings;
DROP TRIGGER facts_move_version ON settings;
DROP TRIGGER facts_truncated ON settings;
DROP TRIGGER facts_mark_changed ON email_templates;
DROP TRIGGER facts_move_version ON email_templates;
DROP TRIGGER facts_truncated ON email_templates;
DROP TRIGGER facts_mark_changed ON sla_targets;
DROP TRIGGER facts_move_version ON sla_targets;
DROP TRIGGER facts_truncated ON sla_targets;
DROP TRIGGER facts_mark_changed ON calendars;
DROP TRIGGER facts_move_version ON calendars;
DROP TRIGGER facts_truncated ON calendars;
DROP FUNCTION facts_mark_changed();
DROP FUNCTION facts_move_version();
DROP FUNCTION facts_truncated();
DROP FUNCTION facts_new_version();
DROP TABLE facts_version;
